#!/usr/bin/python3
"""Writes test/fixtures/oracle/clip-tiny-reference.json: embeddings, cosine similarities and logits of the tiny
CLIP fixture (tools/fixtures/clip.ts), computed by a route independent of onnxruntime and of our TypeScript:
Pillow + numpy for CLIPImageProcessor, and a small numpy interpreter of the ONNX graphs.

Token ids come from the repository's CLIP tokenizer (checked against openai's elsewhere), read through tsx.
Run after `npm run fixtures`: /usr/bin/python3 tools/clip/clip-reference.py
"""
import hashlib
import json
import os
import subprocess

import numpy as np
import onnx
from onnx import numpy_helper

from clip_images import preprocess

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
MODELS = os.path.join(ROOT, 'test', 'fixtures', 'models')
TEXTS = ['a photo of a cat', 'a photo of a dog', 'a photo of a fox', 'a red fox in the snow', 'a city at night',
         'snow ' * 90]
# (width, height, pattern): the formula is repeated in test/sdk/clip-helpers.ts.
IMAGES = [(48, 40, 'busy'), (40, 64, 'smooth'), (32, 32, 'busy'), (100, 30, 'smooth')]
SIZE = 32


def pixel_values(width, height, kind):
    return preprocess(width, height, kind, SIZE, SIZE, 3)[1]


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def layer_norm(x, g, b, axis=-1, epsilon=1e-5):
    mean = x.mean(axis=axis, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axis, keepdims=True)
    return (x - mean) / np.sqrt(var + epsilon) * g + b


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def patch_conv(x, w, a):
    # Only the form the fixture uses: kernel == stride, no padding.
    k = a['kernel_shape'][0]
    n, c, h, wd = x.shape
    patches = x.reshape(n, c, h // k, k, wd // k, k).transpose(0, 2, 4, 1, 3, 5).reshape(n, h // k, wd // k, c * k * k)
    return (patches @ w.reshape(w.shape[0], -1).T).transpose(0, 3, 1, 2)


def run_op(op, i, a):
    simple = {
        'Add': lambda: i[0] + i[1], 'Sub': lambda: i[0] - i[1], 'Mul': lambda: i[0] * i[1], 'Div': lambda: i[0] / i[1],
        'MatMul': lambda: np.matmul(i[0], i[1]), 'Sigmoid': lambda: 1 / (1 + np.exp(-i[0])), 'Exp': lambda: np.exp(i[0]),
        'Sqrt': lambda: np.sqrt(i[0]), 'Mod': lambda: np.mod(i[0], i[1]), 'Equal': lambda: i[0] == i[1],
        'Gather': lambda: np.take(i[0], i[1], axis=a.get('axis', 0)),
        'Softmax': lambda: softmax(i[0], a.get('axis', -1)),
        'Transpose': lambda: np.transpose(i[0], a['perm']),
        'Reshape': lambda: i[0].reshape([i[0].shape[k] if d == 0 else d for k, d in enumerate(i[1])]),
        'Unsqueeze': lambda: np.expand_dims(i[0], tuple(int(v) for v in i[1])),
        'Squeeze': lambda: np.squeeze(i[0], tuple(int(v) for v in i[1])),
        'Shape': lambda: np.array(i[0].shape[a.get('start', 0):a.get('end', len(i[0].shape))], dtype=np.int64),
        'Concat': lambda: np.concatenate(i, axis=a['axis']),
        'Range': lambda: np.arange(i[0], i[1], i[2], dtype=np.int64),
        'ArgMax': lambda: np.expand_dims(np.argmax(i[0], axis=a['axis']), a['axis']) if a.get('keepdims', 1) else np.argmax(i[0], axis=a['axis']),
        'ReduceMean': lambda: i[0].mean(axis=tuple(a['axes']), keepdims=bool(a.get('keepdims', 1))),
        'ReduceSum': lambda: i[0].sum(axis=tuple(int(v) for v in i[1]), keepdims=bool(a.get('keepdims', 1))),
        'LayerNormalization': lambda: layer_norm(i[0], i[1], i[2], a.get('axis', -1), a.get('epsilon', 1e-5)),
        'Cast': lambda: i[0].astype({1: np.float64, 6: np.int32, 7: np.int64}[a['to']]),
        'Conv': lambda: patch_conv(i[0], i[1], a),
    }
    if op == 'Slice':
        x = i[0]
        index = [slice(None)] * x.ndim
        for start, end, axis in zip(i[1], i[2], i[3]):
            index[int(axis)] = slice(int(start), int(end))
        return x[tuple(index)]
    return simple[op]()


def evaluate(path, feeds):
    """Runs the graph in float64 (the reference is then more exact than ORT's float32)."""
    model = onnx.load(path)
    values = {t.name: numpy_helper.to_array(t).astype(np.float64) if numpy_helper.to_array(t).dtype == np.float32 else numpy_helper.to_array(t)
              for t in model.graph.initializer}
    values.update(feeds)
    for node in model.graph.node:
        values[node.output[0]] = run_op(node.op_type, [values[n] for n in node.input if n], attrs(node))
    return {o.name: values[o.name] for o in model.graph.output}


def token_ids():
    script = ("import { readFileSync } from 'node:fs'; import { ClipTokenizer } from './src/worker/tokenizer/index.ts';"
              "const t = ClipTokenizer.fromFiles(readFileSync('test/fixtures/clip/vocab.json', 'utf8'), readFileSync('test/fixtures/clip/merges.txt', 'utf8'));"
              f"console.log(JSON.stringify({json.dumps(TEXTS)}.map((s) => Array.from(t.encodeForModel(s)))));")
    return json.loads(subprocess.check_output(['npx', 'tsx', '-e', script], cwd=ROOT))


def normalize(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def main():
    ids = np.array(token_ids(), dtype=np.int64)
    mask = np.array([[1 if k <= list(row).index(49407) else 0 for k in range(77)] for row in ids], dtype=np.int64)
    pixels = np.stack([pixel_values(*image) for image in IMAGES]).astype(np.float64)
    split = os.path.join(MODELS, 'clip-split', 'onnx')
    text = normalize(evaluate(os.path.join(split, 'text_model.onnx'), {'input_ids': ids, 'attention_mask': mask})['text_embeds'])
    image = normalize(evaluate(os.path.join(split, 'vision_model.onnx'), {'pixel_values': pixels})['image_embeds'])
    combined = evaluate(os.path.join(MODELS, 'clip-combined', 'onnx', 'model.onnx'), {'input_ids': ids, 'attention_mask': mask, 'pixel_values': pixels})
    assert np.abs(combined['text_embeds'] - text).max() < 1e-9 and np.abs(combined['image_embeds'] - image).max() < 1e-9
    cosine = image @ text.T
    scale = float(np.median(combined['logits_per_image'] / cosine))
    digest = {name: hashlib.sha256(open(os.path.join(MODELS, name, 'onnx', f), 'rb').read()).hexdigest()
              for name, f in [('clip-combined', 'model.onnx')]}
    out = {
        'description': 'tools/clip/clip-reference.py: Pillow preprocessing and a float64 numpy evaluation of the tiny CLIP graphs',
        'modelSha256': digest['clip-combined'], 'texts': TEXTS, 'inputIds': ids.tolist(),
        'images': [{'width': w, 'height': h, 'pattern': k} for w, h, k in IMAGES],
        'textEmbeds': text.tolist(), 'imageEmbeds': image.tolist(), 'cosine': cosine.tolist(), 'logitScale': scale,
    }
    path = os.path.join(ROOT, 'test', 'fixtures', 'oracle', 'clip-tiny-reference.json')
    with open(path, 'w') as f:
        json.dump(out, f)
        f.write('\n')
    print('wrote', path, 'logit scale', scale)
    print(np.round(cosine, 3))


if __name__ == '__main__':
    main()
