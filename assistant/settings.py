"""One settings object for the whole assistant: defaults, then an optional TOML file, then env vars.

    >>> Settings(top_k=8).top_k
    8

Environment variables use the prefix ``GLOSSARY_`` (``GLOSSARY_BACKEND=transformers``); the TOML
file is ``glossary-assistant.toml`` in the working directory, or the path in ``GLOSSARY_CONFIG``.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from assistant.errors import ConfigError
from assistant.schema import WhenBusy

ROOT = Path(__file__).resolve().parent.parent
PACKAGED_EMBEDDER = "all-MiniLM-L6-v2"
PACKAGED_GENERATOR = "gemma-3-270m"


def beside_glossary(corpus_path: Path, name: str) -> Path:
    """The file ``name`` kept with a glossary: in its folder, or in the glossary folder itself."""
    return (corpus_path if corpus_path.is_dir() else corpus_path.parent) / name


def _config_file() -> Path:
    return Path(os.environ.get("GLOSSARY_CONFIG", "glossary-assistant.toml"))


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "glossary-assistant"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GLOSSARY_", extra="forbid", validate_default=True)

    # --- corpus and index
    corpus_path: Path = ROOT / "corpus" / "glossary.yaml"
    index_dir: Path = ROOT / "index"
    outside_concepts_path: Path | None = Field(
        None, description="names of concepts the glossary does not define (a question about one is declined); "
                          "unset: the outside-concepts.yaml beside the glossary file (or in its folder), if any; "
                          "'none': off")
    reload_poll_s: float = Field(1.0, ge=0, description="how often the server looks for glossary edits and serves a "
                                                        "valid one without a restart; 0: never")
    embedder: str = Field(PACKAGED_EMBEDDER, description="sentence-transformers id or local path")
    embedder_backend: str = Field("sentence_transformers", description="what loads `embedder`: a name registered "
                                                                       "in assistant/embed.py EMBEDDERS")
    embedder_query_runtime: Literal["auto", "numpy", "sentence_transformers"] = Field(
        "auto", description="how questions are encoded: 'auto' uses the torch-free numpy encoder for BERT "
                            "mean-pooling models (fast start) and sentence-transformers otherwise")
    hnsw_above: int = Field(20_000, description="entries above which the index is HNSW instead of flat")
    index_mmap: bool = Field(False, description="memory-map the index file so server workers share its pages")

    # --- retrieval and the coverage decision (calibrated on eval/questions.jsonl, split=dev)
    top_k: int = Field(5, ge=1, le=50)
    dense_weight: float = Field(0.45, ge=0.0, le=1.0, description="convex fusion weight of dense vs BM25")
    answer_threshold: float = Field(0.22, description="fused score below which a short descriptive question is "
                                                      "refused (between it and short_answer_threshold: the "
                                                      "closest entry, marked)")
    short_answer_threshold: float = Field(0.35, description="fused score from which a short descriptive question "
                                                            "is answered, with short_min_coverage")
    short_min_coverage: float = Field(0.30, description="content-word coverage a short descriptive question needs "
                                                        "to be answered")
    long_question_words: int = Field(25, ge=5, description="questions this long are treated as outside-worded descriptions")
    long_min_coverage: float = Field(0.40, description="content-word coverage a long question needs to be answered")
    closest_threshold: float = Field(0.30, description="fused score from which a long question gets the closest entry")
    lead_threshold: float = Field(0.15, description="fused-score lead over every other entry from which a description "
                                                    "that would get the closest entry is answered from it")
    name_lead_threshold: float = Field(0.10, description="fused-score lead over every other entry from which a "
                                                         "description that asks its name is answered from it")
    close_meaning_threshold: float = Field(0.45, description="cosine from which a description that would get the "
                                                             "closest entry is answered from it, when that entry "
                                                             "leads every other by meaning_lead_threshold")
    sentence_meaning_threshold: float = Field(0.40, description="cosine of an entry's sentence from which a "
                                                                "description asking its name is answered from that "
                                                                "entry, when the sentence leads every other entry's "
                                                                "by meaning_lead_threshold")
    meaning_lead_threshold: float = Field(0.05, description="lead in cosine and in fused score over every other "
                                                            "entry that close_meaning_threshold needs (in sentence "
                                                            "cosine over every other entry's sentences, what "
                                                            "sentence_meaning_threshold needs)")
    suggest_threshold: float = Field(0.2, description="fused score from which an entry is suggested with a refusal")

    # --- generation
    backend: str = Field("auto", description="auto, extractive, or a generator backend registered in "
                                             "assistant/generate/__init__.py (llama_cpp, transformers, openai)")
    generator_model: str = Field(PACKAGED_GENERATOR, description="HF id/path, a .gguf file, or the packaged model")
    model_cache_dir: Path = Field(default_factory=_default_cache_dir)
    max_new_tokens: int = Field(72, ge=8, le=1024)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    n_threads: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1))
    n_ctx: int = Field(1024, ge=256, description="tokens per answer (prompt and completion; the longest here "
                                                  "is about 570)")
    max_batch_sequences: int = Field(8, ge=1, le=64, description="llama.cpp: answers decoded together in one batch "
                                                                 "(continuous batching); each keeps n_ctx tokens")
    entry_cache_mb: int = Field(1024, ge=0, description="llama.cpp: disk for the saved states after prompt head + "
                                                        "entry block (about 5 MB each, up to 4 blocks per entry), "
                                                        "files under model_cache_dir (page cache, not the process's "
                                                        "memory); 0 = evaluate every entry")
    draft_tokens: int = Field(3, ge=0, le=16, description="llama.cpp, greedy: tokens guessed from the prompt and "
                                                          "checked in one batch (prompt lookup decoding); 0 = off")
    generation_timeout_s: float = Field(20.0, gt=0)
    answer_cache_size: int = Field(256, ge=0, description="generated answers kept by prompt (greedy only): a question "
                                   "asked again is answered at once, without a generation slot; 0 = off")
    min_supported_share: float = Field(0.5, description="below this share of supported sentences, answer extractively")
    min_sentence_similarity: float = Field(0.85, ge=0.0, le=1.0, description="a generated sentence is shown only when "
                                           "it is at least this close in meaning (embedder cosine) to a sentence of "
                                           "its entry, or, with a backend that can score sentences (llama.cpp), "
                                           "when the model finds it likely from the entry alone; 0 = off")
    min_sentence_logprob: float = Field(-1.7, le=0.0, description="llama.cpp: a generated sentence that is not close "
                                        "in meaning to its entry is shown only when the model, reading it right after "
                                        "the entry without the question, gives it at least this mean log-probability "
                                        "per token; 0 = off (such sentences are dropped)")
    openai_base_url: str = Field("http://127.0.0.1:8000/v1", pattern=r"^https?://\S+$",
                                 description="an OpenAI-compatible server's base URL (http:// or https://)")
    openai_model: str = "default"
    openai_api: Literal["chat", "completions"] = Field("chat", description="chat: instructions + entry + question as "
                                                     "chat messages (instruction-tuned models); completions: the "
                                                     "few-shot prompt local backends use (base models)")
    openai_api_key_env: str = Field("OPENAI_API_KEY", description="environment variable holding the API key")
    openai_timeout_s: float = 30.0
    openai_retries: int = Field(2, ge=0, le=10)

    # --- server
    assistant_title: str | None = Field(None, description="the chat page's title (default: the glossary's "
                                                         "`title`, else Glossary Assistant)")
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    ui: bool = Field(True, description="mount the Gradio chat UI at /; false: JSON API + widget only (no "
                                       "Gradio import: the first answer comes about 2.4 s sooner)")
    workers: int = Field(1, ge=1, le=64, description="server processes on the port (each loads its own models)")
    max_question_chars: int = Field(2000, ge=10, le=20_000, description="longer questions get a clear error; real ones "
                                    "copied from issues run to 700 characters")
    max_history_turns: int = Field(10, ge=0, le=100, description="earlier turns of a conversation read to resolve a "
                                   "follow-up (the latest ones; older turns a client sends are ignored)")
    max_history_chars: int = Field(20_000, ge=0, description="a conversation history longer than this in all gets a "
                                                             "clear error (413)")
    max_concurrent_generations: int = Field(1, ge=1, description="openai backend: requests in flight to the "
                                                                 "engine (llama.cpp: max_batch_sequences)")
    queue_size: int = Field(64, ge=0, description="most questions waiting for a generation slot (a memory bound; "
                                                   "who is admitted is decided by the estimated wait)")
    queue_timeout_s: float = Field(6.0, gt=0, description="longest wait for a generation slot: a question whose "
                                                          "estimated wait is longer is not queued (see when_busy)")
    when_busy: WhenBusy = Field("glossary", description="what a question that is not queued gets: 'glossary', the "
                                "answer at once in the glossary's own words (Answer.busy); 'busy', 503 with "
                                "Retry-After (for a proxy that retries another replica)")
    cors_origins: list[str] = Field(default_factory=lambda: ["http://localhost", "http://127.0.0.1"],
                                    description="origins (any port) allowed to call the API")
    rate_limit_per_minute: int = Field(60, ge=0, description="ask requests per client per minute; 0 = off")
    log_questions: bool = Field(True, description="include question text in info-level request logs")
    feedback_path: Path | None = Field(ROOT / "data" / "feedback.jsonl", description="where POST /api/feedback "
                                       "appends readers' thumbs up/down (with the question and answer); none: off")
    gap_log_path: Path | None = Field(None, description="opt-in: where questions the glossary did not answer "
                                      "(refused, closest entry) are logged for `python -m assistant gaps`; none: off")
    forwarded_allow_ips: str = Field("127.0.0.1", description="proxies trusted for X-Forwarded-For (rate limits "
                                                              "and logs then see the real client)")
    shutdown_grace_s: float = 15.0

    # --- evaluation gates (eval exits non-zero below these)
    gate_hit_at_1: float = 0.95
    gate_hit_at_3: float = 0.99
    gate_refusal_precision: float = 0.95
    gate_refusal_recall: float = 0.90
    gate_grounded_rate: float = 0.98
    gate_citation_accuracy: float = 0.95
    gate_turns_right: float = Field(0.80, description="eval --conversations: share of turns answered right")

    @field_validator("outside_concepts_path", "feedback_path", "gap_log_path", mode="before")
    @classmethod
    def _empty_path_is_off(cls, value: object) -> object:
        """``GLOSSARY_GAP_LOG_PATH=`` (or ``none``) turns the file off rather than naming the current folder."""
        return None if isinstance(value, str) and value.strip().lower() in ("", "none") else value

    @model_validator(mode="after")
    def _vocabulary_beside_the_glossary(self) -> Settings:
        """The outside-concept vocabulary belongs to its glossary: unless set, it is the one kept beside it."""
        if "outside_concepts_path" not in self.model_fields_set:
            beside = beside_glossary(self.corpus_path, "outside-concepts.yaml")
            self.outside_concepts_path = beside if beside.is_file() else None
        return self

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        from assistant.generate import backend_choices  # the registry (it imports this module, so not at the top)

        if value not in backend_choices():
            raise ValueError(f"unknown backend '{value}' (choose from {', '.join(backend_choices())})")
        return value

    @field_validator("embedder_backend")
    @classmethod
    def _known_embedder(cls, value: str) -> str:
        from assistant.embed import EMBEDDERS

        if value not in EMBEDDERS:
            raise ValueError(f"unknown embedder backend '{value}' (choose from {', '.join(EMBEDDERS)})")
        return value

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if _config_file().is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=_config_file()))
        return tuple(sources)


def load_settings(**overrides: object) -> Settings:
    """Settings from env + TOML, with ``overrides`` on top; invalid values become a ConfigError."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"Invalid settings ({_config_file()} or GLOSSARY_* variables): {problems}") from exc
    except (OSError, ValueError) as exc:  # unreadable or malformed TOML
        raise ConfigError(f"Cannot read settings file {_config_file()}: {exc}") from exc
