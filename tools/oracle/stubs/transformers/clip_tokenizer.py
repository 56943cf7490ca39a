"""transformers 4.26.1's slow CLIPTokenizer without ftfy (so BasicTokenizer cleans the text, as transformers does
when ftfy is missing): lower case, accents stripped, punctuation split, then CLIP's byte-level BPE."""
import json
import unicodedata
from functools import lru_cache
from types import SimpleNamespace

import regex as re
import torch

PATTERN = re.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""", re.IGNORECASE
)


class PreTrainedTokenizer:
    pass


@lru_cache()
def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def _is_punctuation(char):
    cp = ord(char)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def basic_tokenize(text):
    """BertBasicTokenizer(do_lower_case=True) as transformers runs it when ftfy is missing (ASCII-level behaviour)."""
    text = "".join(" " if ch.isspace() else ch for ch in text if ord(ch) not in (0, 0xFFFD) and
                   not (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"))
    out = []
    for token in text.strip().split():
        token = "".join(c for c in unicodedata.normalize("NFD", token.lower()) if unicodedata.category(c) != "Mn")
        piece = ""
        for ch in token:
            if _is_punctuation(ch):
                if piece:
                    out.append(piece)
                out.append(ch)
                piece = ""
            else:
                piece += ch
        if piece:
            out.append(piece)
    return out


class BatchEncoding(dict):
    __getattr__ = dict.__getitem__


class CLIPTokenizer(PreTrainedTokenizer):
    def __init__(self, vocab_file, merges_file, model_max_length=77):
        with open(vocab_file, encoding="utf-8") as f:
            self.encoder = json.load(f)
        self.decoder = {v: k for k, v in self.encoder.items()}
        with open(merges_file, encoding="utf-8") as f:
            merges = f.read().strip().split("\n")[1 : 49152 - 256 - 2 + 1]
        self.bpe_ranks = {tuple(m.split()): i for i, m in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.model_max_length = model_max_length
        self.bos_token_id = self.encoder["<|startoftext|>"]
        self.eos_token_id = self.pad_token_id = self.encoder["<|endoftext|>"]
        self.added_tokens_encoder = {}
        self.cache = {}

    @classmethod
    def from_folder(cls, folder):
        return cls(f"{folder}/vocab.json", f"{folder}/merges.txt")

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        while len(word) > 1:
            pairs = {(a, b) for a, b in zip(word, word[1:])}
            best = min(pairs, key=lambda p: self.bpe_ranks.get(p, float("inf")))
            if best not in self.bpe_ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = tuple(merged)
        self.cache[token] = " ".join(word)
        return self.cache[token]

    def tokenize(self, text):
        text = " ".join(basic_tokenize(text))
        pieces = []
        for token in re.findall(PATTERN, text):
            token = "".join(self.byte_encoder[b] for b in token.encode("utf-8"))
            pieces.extend(self.bpe(token).split(" "))
        return pieces

    def encode(self, text):
        return [self.encoder[p] for p in self.tokenize(text)]

    def _one(self, text, padding, max_length, truncation):
        ids = self.encode(text)
        if truncation:
            ids = ids[: max_length - 2]
        ids = [self.bos_token_id] + ids + [self.eos_token_id]
        if padding == "max_length":
            ids = ids + [self.pad_token_id] * (max_length - len(ids))
        return ids

    def __call__(self, text, padding=None, max_length=None, truncation=False, return_tensors=None):
        texts = [text] if isinstance(text, str) else list(text)
        max_length = max_length or self.model_max_length
        rows = [self._one(t, padding, max_length, truncation) for t in texts]
        if padding == "longest":
            width = max(len(r) for r in rows)
            rows = [r + [self.pad_token_id] * (width - len(r)) for r in rows]
        ids = torch.tensor(rows, dtype=torch.long)
        return BatchEncoding(input_ids=ids, attention_mask=torch.ones_like(ids))

    def batch_decode(self, rows):
        return ["".join(self.decoder[int(i)] for i in row).replace("</w>", " ") for row in rows]
