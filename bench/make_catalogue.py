"""Write a realistic synthetic catalogue of N resources, for scale tests and the benchmark.

    python bench/make_catalogue.py 50000 --db /tmp/cat-50k.db

Shape (close to the bundled "AI Inference Engineering" guide, scaled up):

- several guides (3 below 10k resources, 5 from 10k), 8-14 numbered topics each (30+ in all),
  some topics split into ``###`` sections, and a final untiered "Reference Collections" topic;
- tiers split 15 / 75 / 10 per topic (Tier 1 / 2 / 3), about 1 % of items untiered;
- titles of 3-14 words (median ~45 characters) and one- or two-sentence descriptions (median
  ~120 characters) drawn from the inference field's vocabulary, ~97 % with an author;
- about 1 % of the links appear in two guides (one resource, two placements), so the catalogue
  holds exactly N resources and slightly more placements;
- after the import: a status on 30 % of resources (done / reading / skipped), a note on 5 %, and
  an event for each (as the app would record them).

Guides go through the real importer (:meth:`Catalogue.import_text`), so the run also measures
import. Statuses, notes and events are written directly with SQL in one transaction, mirroring
what :meth:`Catalogue.set_status` and :meth:`Catalogue.set_note` write (those take one
transaction per call, which would dominate the run without telling us anything new). The FTS
triggers fire on these writes like on any other.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

try:
    from tuiguide.core.store.catalogue import Catalogue
except ImportError:  # running from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from tuiguide.core.store.catalogue import Catalogue

TIER_SPLIT = (0.15, 0.75, 0.10)
STATUS_SHARE = 0.30
NOTE_SHARE = 0.05
SHARED_LINK_SHARE = 0.01

GUIDE_NAMES = [
    "AI Inference Engineering at Scale",
    "GPU Systems and Kernel Programming",
    "Distributed Training and Serving",
    "Efficient Models: Quantization and Sparsity",
    "Machine Learning Compilers",
    "Production LLM Platforms",
    "Applied Retrieval and Agents",
]

TOPIC_NAMES = [
    "LLM Inference Fundamentals", "Inference Engines & Serving Systems",
    "Attention Mechanisms & Memory Optimization", "Quantization & Model Compression",
    "CUDA & GPU Kernel Programming", "Structured Output & Guided Decoding",
    "Distributed & Multi-GPU Inference", "Post-Training & Fine-Tuning",
    "Hardware Architecture & Co-Design", "State-Space Models & Alternative Architectures",
    "Compiler & DSL Approaches", "Confidential & Secure Inference", "AI Agents & LLM Tooling",
    "Production Inference at Scale", "Benchmarking & Profiling", "Courses & Comprehensive Guides",
    "Tools & Libraries", "Speculative Decoding", "KV Cache Management", "Batching & Scheduling",
    "Mixture of Experts", "Long Context Inference", "Edge & On-Device Inference",
    "Memory Hierarchies & Bandwidth", "Triton & Tile Languages", "Networking & Collectives",
    "Sparsity & Pruning", "Evaluation & Quality", "Cost & Capacity Planning",
    "Retrieval-Augmented Generation", "Observability & Tracing", "Multimodal Inference",
    "Reinforcement Learning for LLMs", "Data Pipelines", "Numerics & Floating Point",
    "Operating Systems for Accelerators",
]
def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


SECTION_NAMES = ["Foundations", "Case Studies", "Papers", "Talks & Videos", "Hands-on"]

NOUNS = _words(
    "inference attention transformer kernel GPU cache KV-cache batching scheduler decoding "
    "quantization throughput latency memory bandwidth tensor parallelism pipeline serving "
    "runtime compiler operator fusion FlashAttention PagedAttention vLLM TensorRT-LLM SGLang "
    "Triton CUDA ROCm HBM SRAM prefill decode tokenizer sampler speculation draft model "
    "MoE expert router activation weights FP8 INT4 INT8 AWQ GPTQ SmoothQuant LoRA adapter "
    "checkpoint sharding all-reduce NCCL NVLink InfiniBand roofline occupancy warp tile "
    "matmul GEMM softmax embedding context window RoPE ALiBi state-space Mamba RWKV "
    "benchmark profiler trace autoscaling load-balancer queue SLO TTFT TPOT goodput "
    "disaggregation chunked-prefill continuous-batching prefix-caching radix-tree "
    "structured-output grammar JSON-schema constrained-decoding agent tool-calling "
    "RAG retriever reranker vector-index TPU NPU accelerator systolic-array chiplet "
    "enclave TEE confidential-computing MLIR XLA TVM TorchInductor torch.compile "
    "C++ Rust JAX PyTorch llama.cpp GGUF ONNX OpenAI-compatible gRPC "
    # Rarer names and terms: a real catalogue has a long tail of specific words.
    "DeepSeek-V3 Llama-3.1 Qwen2.5 Mixtral Gemma Phi-3 Falcon BLOOM OPT GPT-NeoX Whisper "
    "CLIP ViT SigLIP LLaVA Medusa EAGLE Lookahead Hydra SpecInfer Sequoia DistServe Splitwise "
    "Mooncake Orca Sarathi FlexGen PowerInfer LMCache vAttention FlashInfer ThunderKittens "
    "CUTLASS CuTe cuBLAS cuDNN NVSHMEM DeepEP DeepGEMM Marlin ExLlama bitsandbytes HQQ "
    "QuIP AQLM SpQR OmniQuant SqueezeLLM LLM.int8 ZeroQuant Wanda SparseGPT MInference "
    "StreamingLLM H2O SnapKV PyramidKV KIVI QServe Atom FlashDecoding Ring-Attention "
    "Ulysses Megatron DeepSpeed FSDP ZeRO Alpa GSPMD Pathways Ray Kubernetes KServe Triton-server "
    "TGI Ollama MLC-LLM ExecuTorch CoreML TensorRT OpenVINO IREE Mojo Halide Tiramisu "
    "Pallas Mosaic Gluon TileLang Hidet Ansor Roller Welder Cerebras Groq SambaNova Etched "
    "Tenstorrent Graphcore Habana Inferentia Trainium Maia MTIA Blackwell Hopper Ampere "
    "Grace-Hopper NVL72 CXL PCIe UCX RDMA RoCE SGX SEV-SNP TDX H100-CC attestation "
    "watermarking guardrails jailbreak RLHF DPO GRPO PPO distillation pruning LoRA-merge"
)
ADJECTIVES = _words(
    "efficient fast scalable distributed low-latency high-throughput memory-efficient "
    "practical modern fused sparse dense dynamic static adaptive speculative parallel "
    "production-grade open-source hardware-aware cost-effective long-context multi-GPU "
    "multi-node lossless mixed-precision asynchronous zero-copy"
)
VERBS = _words(
    "explains covers walks through benchmarks compares introduces analyses surveys "
    "implements profiles optimises measures demonstrates derives revisits"
)
TEMPLATES = [
    "{A} {N} for {N2}",
    "How {N} Works: {A} {N2} in Practice",
    "Understanding {N} and {N2}",
    "A Deep Dive into {A} {N}",
    "{N} vs {N2}: {A} Trade-offs",
    "Optimizing {N} with {N2}",
    "{K} Lessons from Running {N} in Production",
    "Making {N} {A}: {N2}, {N3} and Beyond",
    "{N}: {A} {N2} on {HW}",
    "Why {N} Is Memory-Bound",
    "Scaling {N} to {K}k GPUs",
    "The Illustrated {N}",
    "Writing a {A} {N} Kernel in C++",
    "From {N} to {N2}: A Practitioner's Guide",
    "{A} {N} and {A2} {N2} for LLM Serving on {HW}",
    "Über {N}: Notes on {A} {N2}",
]
HARDWARE = ["H100", "A100", "B200", "MI300X", "TPU v5e", "Gaudi 3", "L40S", "Apple M3", "Jetson Orin"]
FIRST = _words(
    "Alice Bob Chen Dana Elena Farid Grace Hiro Ines Jun Kavya Liam Mei Noor Omar Priya "
    "Quentin Rosa Sven Tomas Uma Viktor Wen Xu Yara Zoe Tri Horace Lilian Jay Sasha Ravi"
)
LAST = _words(
    "Zhang Kim Nguyen Patel Müller García Rossi Ivanova Tanaka Okafor Smith Dao He Weng "
    "Li Gupta Novak Silva Haddad Larsen Kowalski Moreau Sato Brown Ito Fischer Ahmed"
)
ORGS = _words(
    "NVIDIA, Hugging Face, PyTorch Blog, Anyscale, Together AI, Databricks, Google Research, "
    "Meta AI, Modal, Fireworks AI, Baseten, Character.AI, AMD, Cerebras, Groq, Mistral AI, "
    "Lilian Weng's Blog, The Gradient, Towards AI, Epoch AI",
    sep=", ",
)
DOMAINS = [
    "arxiv.org/abs", "github.com", "developer.nvidia.com/blog", "huggingface.co/blog",
    "pytorch.org/blog", "medium.com/@inference", "www.anyscale.com/blog", "blog.vllm.ai",
    "lilianweng.github.io/posts", "www.youtube.com/watch", "docs.nvidia.com/cuda",
    "siboehm.com/articles", "horace.io", "kipp.ly",
]
NOTE_SENTENCES = [
    "Re-read the section on {N}; the numbers for {HW} look off.",
    "Key idea: {N} trades memory for {N2}.",
    "Try this with our {N} setup next sprint.",
    "Good background before the {N2} paper.",
    "Compare with {N} results in the benchmark table.",
    "TODO: reproduce the {N} figure on {HW}.",
]


@dataclass
class GuidePlan:
    title: str
    topics: list[str]
    items: list[str] = field(default_factory=list)  # markdown lines, in order


class _Words:
    """Draws words with the skew of real text: a few words are very common."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        weights = [1.0 / (rank + 3) for rank in range(len(NOUNS))]
        self.cum = list(itertools.accumulate(weights))

    def noun(self) -> str:
        return self.rng.choices(NOUNS, cum_weights=self.cum)[0]

    def fill(self, template: str) -> str:
        rng = self.rng
        return template.format(
            A=rng.choice(ADJECTIVES).capitalize(),
            A2=rng.choice(ADJECTIVES),
            N=self.noun(),
            N2=self.noun(),
            N3=self.noun(),
            K=rng.choice([3, 5, 7, 10, 12, 100]),
            HW=rng.choice(HARDWARE),
        )


def _title(words: _Words) -> str:
    title = words.fill(words.rng.choice(TEMPLATES))
    return title[0].upper() + title[1:]


def _author(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.03:
        return None
    if roll < 0.45:
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    if roll < 0.65:
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}, {rng.choice(ORGS)}"
    return rng.choice(ORGS)


def _description(words: _Words, single_sentence: bool) -> str:
    rng = words.rng
    first = (
        f"{rng.choice(VERBS).capitalize()} {rng.choice(ADJECTIVES)} {words.noun()} and "
        f"{words.noun()} for {rng.choice(ADJECTIVES)} {words.noun()}, with measurements on "
        f"{rng.choice(HARDWARE)}"
    )
    if single_sentence:
        return first + "."
    second = (
        f"Useful context for {words.noun()} {words.noun()} and how it interacts with "
        f"{words.noun()}."
    )
    return f"{first}. {second}" if rng.random() < 0.6 else first + "."


def _url(rng: random.Random, i: int, title: str) -> str:
    domain = rng.choice(DOMAINS)
    slug = "-".join(
        "".join(ch for ch in w.lower() if ch.isalnum()) for w in title.split()[:6]
    ).strip("-")
    if domain == "arxiv.org/abs":
        return f"https://arxiv.org/abs/{2000 + i // 10000}.{i % 10000:05d}"
    if domain == "www.youtube.com/watch":
        return f"https://www.youtube.com/watch?v=bench{i:07d}"
    return f"https://{domain}/{slug or 'item'}-{i}"


def _guide_sizes(n: int, guides: int) -> list[int]:
    weights = [0.40, 0.25, 0.18, 0.10, 0.07, 0.05, 0.05][:guides]
    total = sum(weights)
    sizes = [max(1, int(n * w / total)) for w in weights]
    sizes[0] += n - sum(sizes)
    return sizes


def _topic_lines(
    rng: random.Random, words: _Words, topic_no: int, name: str, entries: list[str],
    with_sections: bool,
) -> list[str]:
    """One ``##`` topic: tiers 15/75/10, optionally inside ``###`` sections."""
    lines = [f"## {topic_no}. {name}", ""]
    groups = [(None, entries)]
    if with_sections and len(entries) >= 20:
        k = rng.randint(2, 3)
        cut = [len(entries) * j // k for j in range(k + 1)]
        groups = [(SECTION_NAMES[j], entries[cut[j] : cut[j + 1]]) for j in range(k)]
    for section, group in groups:
        if section:
            lines += [f"### {section}", ""]
        n = len(group)
        t1 = max(1, round(n * TIER_SPLIT[0])) if n >= 3 else 0
        t3 = max(1, round(n * TIER_SPLIT[2])) if n >= 3 else 0
        bounds = [(1, group[:t1]), (2, group[t1 : n - t3]), (3, group[n - t3 :])]
        for tier, chunk in bounds:
            if not chunk:
                continue
            lines += [f"#### Tier {tier}", ""]
            for entry in chunk:
                lines += [entry, ""]
    return lines


def _entry(title: str, url: str, author: str | None, description: str) -> str:
    rest = f"{author}. {description}" if author else description
    return f"- [{title}]({url}) - {rest}"


def plan_guides(n: int, *, seed: int = 1, guides: int | None = None) -> list[str]:
    """Markdown text of each guide; together they hold exactly ``n`` distinct resources."""
    rng = random.Random(seed)
    words = _Words(rng)
    guides = guides or (3 if n < 10_000 else 5)
    guides = max(1, min(guides, len(GUIDE_NAMES)))
    sizes = _guide_sizes(n, guides)
    texts: list[str] = []
    shared_pool: list[str] = []
    topic_cursor = 0
    resource_no = 0
    for gi, size in enumerate(sizes):
        topic_count = max(1, min(rng.randint(8, 14), size))
        names = [TOPIC_NAMES[(topic_cursor + k) % len(TOPIC_NAMES)] for k in range(topic_count)]
        topic_cursor += topic_count - 3  # guides overlap a little in topic names, like real ones
        entries: list[str] = []
        for _ in range(size):
            title = _title(words)
            author = _author(rng)
            desc = _description(words, single_sentence=author is None)
            entry = _entry(title, _url(rng, resource_no, title), author, desc)
            resource_no += 1
            entries.append(entry)
            if gi == 0 and rng.random() < SHARED_LINK_SHARE * guides:
                shared_pool.append(entry)
        if gi > 0 and shared_pool:
            # The same link placed again in a later guide: one resource, two placements.
            extra = rng.sample(shared_pool, min(len(shared_pool), max(1, int(size * SHARED_LINK_SHARE))))
            for entry in extra:
                entries.insert(rng.randrange(len(entries) + 1), entry)
        untiered = max(1, len(entries) // 100) if size >= 50 else 0
        tiered, reference = entries[: len(entries) - untiered], entries[len(entries) - untiered :]
        # Topic sizes vary like real guides (a few big topics, several small ones).
        weights = [rng.uniform(0.4, 2.5) for _ in names]
        total = sum(weights)
        bounds = [0]
        for w in weights:
            bounds.append(min(len(tiered), bounds[-1] + round(len(tiered) * w / total)))
        bounds[-1] = len(tiered)
        lines = [f"# {GUIDE_NAMES[gi]}", "", f"Synthetic guide {gi + 1} of {guides} ({size} resources).", ""]
        for k, name in enumerate(names):
            chunk = tiered[bounds[k] : bounds[k + 1]]
            if chunk:
                lines += _topic_lines(rng, words, k + 1, name, chunk, with_sections=k % 4 == 1)
        if reference:
            lines += [f"## {len(names) + 1}. Reference Collections", ""]
            for entry in reference:
                lines += [entry, ""]
        texts.append("\n".join(lines) + "\n")
    return texts


def guide_markdown(n: int, *, seed: int = 1) -> str:
    """One guide holding ``n`` resources (the import-throughput benchmark)."""
    return plan_guides(n, seed=seed, guides=1)[0]


def add_study_history(cat: Catalogue, *, seed: int = 1) -> dict[str, int]:
    """Statuses on 30 % of resources, notes on 5 %, one event each; one transaction."""
    from tuiguide.core.store.connection import transaction
    from tuiguide.core.store.counts import recount
    from tuiguide.core.store.search_index import refresh_documents
    from tuiguide.core.text.stamps import utc_stamp

    rng = random.Random(seed + 1)
    words = _Words(rng)
    conn = cat.conn
    ids = [row[0] for row in conn.execute("SELECT id FROM resources ORDER BY id")]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    status_rows, note_rows, events = [], [], []
    for rid in rng.sample(ids, int(len(ids) * STATUS_SHARE)):
        status = rng.choices(["done", "reading", "skipped"], [0.6, 0.25, 0.15])[0]
        at = utc_stamp(start + timedelta(minutes=rng.randrange(60 * 24 * 365)))
        started = at if status in ("reading", "done") else None
        finished = at if status == "done" else None
        status_rows.append((status, at, started, finished, rid))
        events.append((rid, "status", status, "todo", at))
    for rid in rng.sample(ids, int(len(ids) * NOTE_SHARE)):
        body = " ".join(
            words.fill(rng.choice(NOTE_SENTENCES)) for _ in range(rng.randint(1, 4))
        )
        at = utc_stamp(start + timedelta(minutes=rng.randrange(60 * 24 * 365)))
        note_rows.append((rid, body, at, at))
        events.append((rid, "note", "edit", None, at))
    events.sort(key=lambda e: e[4])
    with transaction(conn):
        conn.executemany(
            "UPDATE resources SET status = ?, status_at = ?, started_at = ?, finished_at = ? "
            "WHERE id = ?",
            status_rows,
        )
        conn.executemany(
            "INSERT INTO notes (resource_id, body, created_at, updated_at) VALUES (?, ?, ?, ?)",
            note_rows,
        )
        conn.executemany(
            "INSERT INTO events (resource_id, kind, value, previous, at) VALUES (?, ?, ?, ?, ?)",
            events,
        )
        # Written straight to the tables: bring the store's derived data along.
        recount(cat)
        refresh_documents(cat, [row[-1] for row in status_rows] + [row[0] for row in note_rows])
    return {"statuses": len(status_rows), "notes": len(note_rows), "events": len(events)}


def make_catalogue(path: Path | str, n: int, *, seed: int = 1, guides: int | None = None) -> dict:
    """Build the catalogue at ``path`` (which must not exist yet); return what was written."""
    path = Path(path)
    if path.exists():
        raise SystemExit(f"{path}: already exists; remove it or pass another --db")
    t0 = time.perf_counter()
    texts = plan_guides(n, seed=seed, guides=guides)
    t_plan = time.perf_counter() - t0
    cat = Catalogue.open(path, seed=False)
    try:
        import_seconds = []
        for i, text in enumerate(texts):
            t = time.perf_counter()
            cat.import_text(text, source=f"bench:guide-{i + 1}")
            import_seconds.append(round(time.perf_counter() - t, 3))
        history = add_study_history(cat, seed=seed)
        conn = cat.conn
        stats = {
            "path": str(path),
            "resources": conn.execute("SELECT count(*) FROM resources").fetchone()[0],
            "placements": conn.execute("SELECT count(*) FROM placements").fetchone()[0],
            "guides": conn.execute("SELECT count(*) FROM guides").fetchone()[0],
            "topics": conn.execute(
                "SELECT count(*) FROM topics WHERE parent_id IS NULL"
            ).fetchone()[0],
            "sections": conn.execute(
                "SELECT count(*) FROM topics WHERE parent_id IS NOT NULL"
            ).fetchone()[0],
            **history,
            "plan_seconds": round(t_plan, 3),
            "import_seconds": import_seconds,
        }
        conn.execute("PRAGMA optimize")
    finally:
        cat.close()
    stats["total_seconds"] = round(time.perf_counter() - t0, 3)
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of resources")
    parser.add_argument("--db", type=Path, help="catalogue file (default: ./catalogue-N.db)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--guides", type=int, help="number of guides (default 3, or 5 from 10k)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    stats = make_catalogue(args.db or Path(f"catalogue-{args.n}.db"), args.n, seed=args.seed,
                           guides=args.guides)
    for key, value in stats.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
