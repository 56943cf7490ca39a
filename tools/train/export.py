"""
Exports the trained shapes world (tools/train/.cache/) to ONNX in the diffusers-ONNX folder layout, with the
contracts of diffusers' own export script (opset 14, fp32; see docs/model-contracts.md):

    src/models/shapes/                text-to-image and image-to-image (and inpainting by blending)
      text_encoder/model.onnx         input_ids int32 [batch, sequence] -> last_hidden_state, pooler_output,
                                      text_embeds (the CLIP text tower's projection: the same file serves CLIP)
      unet/model.onnx                 sample, timestep float32 [batch], encoder_hidden_states -> out_sample
      vae_encoder/model.onnx          sample -> latent_parameters (mean and log-variance, as current optimum)
      vae_decoder/model.onnx          latent_sample -> sample
      clip/onnx/vision_model.onnx     pixel_values [batch, 3, 64, 64] -> image_embeds
      tokenizer/, scheduler/, configs, model_index.json
    src/models/shapes-inpainting/     the 9-channel U-Net and its model_index.json; the rest is shapes/'s

    python3 tools/train/export.py
"""
import json
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from models import Clip, UNet, Vae  # noqa: E402
from train import CACHE, HERE, VOCAB_DIR, data  # noqa: E402

OUT = os.path.join(HERE, '..', '..', 'src', 'models')
OPSET = 14


def export(module, args, path, inputs, outputs, axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(module.eval(), args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                      opset_version=OPSET, do_constant_folding=True)
    print(f'{os.path.relpath(path, OUT)}: {os.path.getsize(path) / 1e6:.2f} MB')


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(value, f, indent=2)
        f.write('\n')


class TextEncoder(torch.nn.Module):
    def __init__(self, clip):
        super().__init__()
        self.clip = clip

    def forward(self, input_ids):
        hidden, pooled = self.clip.text(input_ids)
        return hidden, pooled, self.clip.text_projection(pooled)


class VisionModel(torch.nn.Module):
    def __init__(self, clip):
        super().__init__()
        self.clip = clip

    def forward(self, pixel_values):
        return self.clip.vision(pixel_values)


class VaeEncoder(torch.nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, sample):
        return torch.cat(self.vae.encode(sample), 1)


class VaeDecoder(torch.nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latent_sample):
        return self.vae.decode(latent_sample)


SCHEDULER = {  # SD 1.5's, which the U-Net was trained on (scaled-linear betas, 1000 steps, epsilon)
    '_class_name': 'PNDMScheduler', 'beta_end': 0.012, 'beta_schedule': 'scaled_linear', 'beta_start': 0.00085,
    'clip_sample': False, 'num_train_timesteps': 1000, 'prediction_type': 'epsilon', 'set_alpha_to_one': False,
    'skip_prk_steps': True, 'steps_offset': 1, 'timestep_spacing': 'leading', 'trained_betas': None,
}


def model_index(pipeline):
    runtime = ['diffusers', 'OnnxRuntimeModel']
    return {'_class_name': pipeline, 'scheduler': ['diffusers', 'PNDMScheduler'], 'text_encoder': runtime,
            'tokenizer': ['transformers', 'CLIPTokenizer'], 'unet': runtime, 'vae_decoder': runtime, 'vae_encoder': runtime}


def write_tokenizer(folder):
    os.makedirs(folder, exist_ok=True)
    for name in ('vocab.json', 'merges.txt'):
        shutil.copy(os.path.join(VOCAB_DIR, name), os.path.join(folder, name))
    special = {'bos_token': '<|startoftext|>', 'eos_token': '<|endoftext|>', 'pad_token': '<|endoftext|>', 'unk_token': '<|endoftext|>'}
    write_json(os.path.join(folder, 'special_tokens_map.json'), special)
    write_json(os.path.join(folder, 'tokenizer_config.json'), {**special, 'model_max_length': 77, 'tokenizer_class': 'CLIPTokenizer'})


def main():
    torch.manual_seed(0)
    d = data()
    # The U-Nets' text encoder is the first CLIP; the `shapes` CLIP preset is the scoring CLIP (train.py). A stage
    # missing from the cache (after from_onnx.py, the scoring CLIP) keeps its shipped files.
    clip, scoring = Clip(d['known']), Clip(d['known'])
    clip.load_state_dict(torch.load(os.path.join(CACHE, 'clip.pt')))
    has_scoring = os.path.exists(os.path.join(CACHE, 'clip-tuned.pt'))
    if has_scoring:
        scoring.load_state_dict(torch.load(os.path.join(CACHE, 'clip-tuned.pt')))
    else:
        print('clip/: no clip-tuned.pt in the cache; the shipped scoring CLIP stays')
    vae_state = torch.load(os.path.join(CACHE, 'vae.pt'))
    vae = Vae()
    vae.load_state_dict(vae_state['state'])
    shapes, inpainting = os.path.join(OUT, 'shapes'), os.path.join(OUT, 'shapes-inpainting')
    ids = torch.tensor([[49406, 320, 736, 2682, 49407] + [49407] * 72] * 2, dtype=torch.int32)
    towers = [(clip, ('text_encoder', 'model.onnx'))] + ([(scoring, ('clip', 'onnx', 'text_model.onnx'))] if has_scoring else [])
    for model, path in towers:
        export(TextEncoder(model), (ids,), os.path.join(shapes, *path), ['input_ids'],
               ['last_hidden_state', 'pooler_output', 'text_embeds'], {'input_ids': {0: 'batch', 1: 'sequence'}})
    if has_scoring:
        export(VisionModel(scoring), (torch.randn(2, 3, 64, 64),), os.path.join(shapes, 'clip', 'onnx', 'vision_model.onnx'),
               ['pixel_values'], ['image_embeds'], {'pixel_values': {0: 'batch'}})
    image_axes = {0: 'batch', 2: 'height', 3: 'width'}
    export(VaeEncoder(vae), (torch.randn(1, 3, 64, 64),), os.path.join(shapes, 'vae_encoder', 'model.onnx'),
           ['sample'], ['latent_parameters'], {'sample': image_axes})
    export(VaeDecoder(vae), (torch.randn(1, 4, 8, 8),), os.path.join(shapes, 'vae_decoder', 'model.onnx'),
           ['latent_sample'], ['sample'], {'latent_sample': image_axes})
    unet_axes = {'sample': {0: 'batch', 2: 'height', 3: 'width'}, 'timestep': {0: 'batch'}, 'encoder_hidden_states': {0: 'batch', 1: 'sequence'}}
    for folder, channels, file in ((shapes, 4, 'unet.pt'), (inpainting, 9, 'inpaint.pt')):
        if os.environ.get('PARTIAL') and not os.path.exists(os.path.join(CACHE, file)):
            continue  # a look at a run in progress
        state = torch.load(os.path.join(CACHE, file))
        unet = UNet(channels, state['conv_in.weight'].shape[0])
        unet.load_state_dict(state)
        args = (torch.randn(2, channels, 8, 8), torch.tensor([500.0, 500.0]), torch.randn(2, 77, 128))
        export(unet, args, os.path.join(folder, 'unet', 'model.onnx'), ['sample', 'timestep', 'encoder_hidden_states'], ['out_sample'], unet_axes)
    vae_config = {'_class_name': 'AutoencoderKL', 'latent_channels': 4, 'sample_size': 64, 'scaling_factor': round(vae_state['scaling'], 5)}
    for part in ('vae_encoder', 'vae_decoder'):
        write_json(os.path.join(shapes, part, 'config.json'), vae_config)
    write_json(os.path.join(shapes, 'scheduler', 'scheduler_config.json'), SCHEDULER)
    write_json(os.path.join(shapes, 'model_index.json'), model_index('OnnxStableDiffusionPipeline'))
    write_json(os.path.join(inpainting, 'model_index.json'), model_index('OnnxStableDiffusionInpaintPipeline'))
    write_tokenizer(os.path.join(shapes, 'tokenizer'))
    if has_scoring:
        write_clip_configs(os.path.join(shapes, 'clip'), scoring.logit_scale.exp().clamp(max=100).item())


def write_clip_configs(folder, logit_scale):
    write_json(os.path.join(folder, 'preprocessor_config.json'), {
        'crop_size': {'height': 64, 'width': 64}, 'do_center_crop': True, 'do_normalize': True, 'do_resize': True,
        'do_rescale': True, 'rescale_factor': 1 / 255, 'resample': 3, 'size': {'shortest_edge': 64},
        'image_mean': [0.48145466, 0.4578275, 0.40821073], 'image_std': [0.26862954, 0.26130258, 0.27577711],
    })
    write_json(os.path.join(folder, 'config.json'), {'logit_scale': round(logit_scale, 4), 'projection_dim': 128})

if __name__ == '__main__':
    main()
