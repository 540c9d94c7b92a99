"""Generation with Hugging Face transformers: the packaged model (converted once) or any causal-LM id/path.

    >>> gen = TransformersGenerator("gemma-3-270m", cache_dir=settings.model_cache_dir)
    >>> gen.name
    'transformers:gemma-3-270m'

``gen.warm_up(prompt.fixed)`` loads the model (converting the packaged GGUF once, about a minute); then
``"".join(gen.stream(prompt, max_new_tokens=60))`` answers.

Models with a chat template get ``prompt.system``/``prompt.user`` as messages; base models get the
few-shot completion. Either way the part of the prompt that never changes is run once and its KV
cache copied for each request, so answers do not depend on earlier requests.
"""
from __future__ import annotations

import copy
import inspect
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

from assistant.errors import GenerationError, ModelLoadError
from assistant.generate.base import Cancel, Prompt, StopWatcher
from assistant.generate.models import converted_checkpoint, discard_conversion, is_packaged, packaged_gguf
from assistant.settings import Settings

log = logging.getLogger(__name__)


class TransformersGenerator:
    def __init__(self, model: str, cache_dir: Path, n_threads: int = 2, dtype: str = "bfloat16") -> None:
        if not model.strip():
            raise ModelLoadError("The generator model setting is empty.")
        self.model_id = model
        self.cache_dir = Path(cache_dir)
        self.n_threads = n_threads
        self.dtype = dtype
        self.name = f"transformers:{model}"
        self.parallel = 1  # one generation at a time (a lock)
        self._model = None
        self._tokenizer = None
        self._chat = False
        self._lock = threading.Lock()
        self._fixed: str | None = None
        self._prefix_cache = None
        self._prefix_len = 0
        self._cache_kw = "past_key_values"

    # -- loading ---------------------------------------------------------------------------------
    def _source(self) -> tuple[str, bool]:
        """(path or id to load, whether it is a conversion we made and may redo)."""
        if is_packaged(self.model_id):
            return str(converted_checkpoint(packaged_gguf(self.cache_dir), self.cache_dir)), True
        if self.model_id.endswith(".gguf"):
            return str(converted_checkpoint(Path(self.model_id).expanduser(), self.cache_dir)), True
        return self.model_id, False

    def _load(self) -> None:
        if self._model is not None:
            return
        import torch

        torch.set_num_threads(self.n_threads)
        source, converted = self._source()
        try:
            model, tokenizer = self._from_pretrained(source)
        except Exception as exc:  # noqa: BLE001  (safetensors, tokenizers and HF raise unrelated types)
            if not converted:
                raise ModelLoadError(f"Cannot load the generator '{self.model_id}': {exc}. Give a local path, or "
                                     "go online for a hub id.") from exc
            log.warning("cached conversion %s is unreadable (%s); converting again", source, exc)
            discard_conversion(Path(source))
            model, tokenizer = self._from_pretrained(self._source()[0])
        for p in model.parameters():  # memory-mapped weights caused random 5-10x slowdowns: own a copy
            p.data = p.data.clone()
        self._model, self._tokenizer = model.eval(), tokenizer
        # transformers 5.2x renamed the KV-cache argument from past_key_values to cache
        self._cache_kw = "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"
        self._chat = bool(getattr(tokenizer, "chat_template", None))

    def _from_pretrained(self, source: str):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(source)
        model = AutoModelForCausalLM.from_pretrained(source, dtype=getattr(torch, self.dtype))
        return model, tokenizer

    # -- prompt splitting ------------------------------------------------------------------------
    def _split(self, prompt: Prompt) -> tuple[str, str]:
        """(fixed, varying) text: the few-shot split for base models; for chat models the rendered
        template's longest prefix shared by any user message."""
        if not self._chat:
            return prompt.fixed, prompt.body
        render = lambda user: self._tokenizer.apply_chat_template(  # noqa: E731
            [{"role": "system", "content": prompt.system}, {"role": "user", "content": user}],
            tokenize=False, add_generation_prompt=True)
        full = render(prompt.user)
        a, b = render("\x01"), render("\x02")
        shared = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        return full[:shared], full[shared:]

    def _ids(self, text: str, first: bool):
        return self._tokenizer(text, return_tensors="pt", add_special_tokens=first).input_ids

    def warm_up(self, fixed_prefix: str) -> None:
        with self._lock:
            self._load()
            probe = Prompt(fixed=fixed_prefix, body="", system=fixed_prefix.split("\n\n")[0], user="")
            self._ensure_prefix(self._split(probe)[0])

    def _ensure_prefix(self, fixed: str) -> None:
        import torch

        if fixed == self._fixed:
            return
        with torch.inference_mode():
            ids = self._ids(fixed, first=True)
            out = self._model(input_ids=ids, use_cache=True)
        self._prefix_cache = _cache_of(out)
        self._prefix_len, self._fixed = ids.shape[1], fixed
        log.info("transformers prefix cache: %d tokens", self._prefix_len)

    # -- generation ------------------------------------------------------------------------------
    def stream(self, prompt: Prompt, max_new_tokens: int, temperature: float = 0.0,
               cancel: Cancel | None = None) -> Iterator[str]:
        with self._lock:
            self._load()
            fixed, body = self._split(prompt)
            self._ensure_prefix(fixed)
            ids = self._ids(body, first=False)
            if ids.shape[1] == 0:
                raise GenerationError("empty prompt body")
            yield from self._decode(ids, copy.deepcopy(self._prefix_cache), prompt, max_new_tokens, temperature, cancel)

    def stream_cold(self, prompt: Prompt, max_new_tokens: int) -> Iterator[str]:
        """The whole prompt evaluated from scratch (no cached prefix): what prefix reuse is compared against."""
        with self._lock:
            self._load()
            fixed, body = self._split(prompt)
            yield from self._decode(self._ids(fixed + body, first=True), None, prompt, max_new_tokens, 0.0, None)

    def _decode(self, ids, cache, prompt: Prompt, max_new_tokens: int, temperature: float,
                cancel: Cancel | None) -> Iterator[str]:
        """Greedy/sampled decoding after ``ids`` on top of ``cache`` (caller holds the lock)."""
        import torch

        watcher = StopWatcher(prompt.stop if not self._chat else ())
        eos = set(self._eos_ids())
        generated: list[int] = []
        emitted = ""
        with torch.inference_mode():
            for _ in range(max_new_tokens):
                if cancel is not None and cancel.is_set:
                    return
                out = self._model(input_ids=ids, use_cache=True, **{self._cache_kw: cache})
                cache = _cache_of(out)
                token = _pick(out.logits[0, -1].float(), temperature)
                if token in eos:
                    break
                generated.append(token)
                ids = torch.tensor([[token]])
                text = self._tokenizer.decode(generated, skip_special_tokens=True)
                if text.endswith("\ufffd"):  # a multi-byte character is not complete yet
                    continue
                chunk = watcher.feed(text[len(emitted):])
                emitted = text
                if chunk:
                    yield chunk
                if watcher.stopped:
                    return
        tail = watcher.flush()
        if tail:
            yield tail

    def _eos_ids(self) -> list[int]:
        ids = [self._tokenizer.eos_token_id, self._tokenizer.convert_tokens_to_ids("<end_of_turn>")]
        config_eos = getattr(self._model.generation_config, "eos_token_id", None)
        ids += config_eos if isinstance(config_eos, list) else [config_eos]
        return [i for i in ids if isinstance(i, int) and i >= 0]


def _cache_of(output):
    """The KV cache of a forward pass, under its new name (``cache``) or its old one."""
    cache = getattr(output, "cache", None)
    return cache if cache is not None else output.past_key_values


def _pick(logits, temperature: float) -> int:
    import torch

    if temperature <= 0:
        return int(torch.argmax(logits))
    probs = torch.softmax(logits / temperature, dim=-1)
    return int(torch.multinomial(probs, 1))


def from_settings(settings: Settings) -> TransformersGenerator:
    return TransformersGenerator(settings.generator_model, settings.model_cache_dir, n_threads=settings.n_threads)
