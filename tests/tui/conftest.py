"""Every notification the app shows is recorded (through its public notify), for
:func:`ui_support.notices`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tuiguide.tui.app import TuiguideApp
from ui_support import Said, notices


@pytest.fixture(autouse=True)
def record_notifications(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    shown = TuiguideApp.notify

    def notify(self, message, *, title="", severity="information", **kwargs):
        notices(self).append(Said(str(message), title, severity))
        return shown(self, message, title=title, severity=severity, **kwargs)

    monkeypatch.setattr(TuiguideApp, "notify", notify)
    yield
