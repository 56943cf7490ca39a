"""openai/CLIP's simple_tokenizer (BPE on bytes), enough for the shapes world's captions: lower-cased ASCII, no ftfy."""
import json
import regex as re

PATTERN = re.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""", re.IGNORECASE)
BOS, EOS, LENGTH = 49406, 49407, 77


def bytes_to_unicode():
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


class Tokenizer:
    def __init__(self, vocab_path, merges_path):
        self.encoder = json.load(open(vocab_path, encoding='utf8'))
        merges = open(merges_path, encoding='utf8').read().split('\n')[1:]
        self.ranks = {tuple(m.split()): i for i, m in enumerate(m for m in merges if m)}
        self.byte_encoder = bytes_to_unicode()
        self.cache = {}

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + '</w>',)
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, float('inf')))
            if best not in self.ranks:
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
        self.cache[token] = word
        return word

    def encode(self, text):
        ids = []
        for token in PATTERN.findall(' '.join(text.strip().lower().split())):
            token = ''.join(self.byte_encoder[b] for b in token.encode('utf-8'))
            ids.extend(self.encoder[piece] for piece in self.bpe(token))
        return ids

    def for_model(self, text, pad=EOS):
        """[BOS] ids [EOS], truncated to 77 with EOS last, padded with `pad` (SD 1.x pads with EOS)."""
        ids = [BOS] + self.encode(text)[:LENGTH - 2] + [EOS]
        return ids + [pad] * (LENGTH - len(ids))
