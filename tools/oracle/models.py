"""The diffusers / transformers modules of ../shared/models (configs from its README), with the ONNX weights."""
import json
import os

import torch
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

from diffusers import AutoencoderKL, UNet2DConditionModel
from onnx_weights import load_onnx_weights

TEXT_ENCODER = dict(vocab_size=49408, max_position_embeddings=77, hidden_size=32, intermediate_size=37,
                    num_hidden_layers=2, num_attention_heads=4, projection_dim=32, hidden_act="quick_gelu",
                    layer_norm_eps=1e-5, pad_token_id=49407, bos_token_id=49406, eos_token_id=49407)
UNET = dict(sample_size=8, out_channels=4, layers_per_block=2, block_out_channels=(32, 64),
            down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
            cross_attention_dim=32, attention_head_dim=4, norm_num_groups=16)
VAE = dict(in_channels=3, out_channels=3, latent_channels=4, sample_size=64, layers_per_block=1,
           block_out_channels=(16, 32, 32, 32), norm_num_groups=16,
           down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4, scaling_factor=0.18215)


class VaeParts(torch.nn.Module):
    """The two ONNX halves of the VAE map onto AutoencoderKL's encoder+quant_conv and post_quant_conv+decoder."""


def build(folder):
    """(text_encoder, tokenizer, unet, vae, scheduler_config, report) for a model folder; report lists per file
    which ONNX tensor fed each parameter and which initializers went unused."""
    text_encoder = CLIPTextModel(CLIPTextConfig(**TEXT_ENCODER)).eval()
    in_channels = 9 if "inpaint" in os.path.basename(folder.rstrip("/")) else 4
    unet = UNet2DConditionModel(in_channels=in_channels, **UNET).eval()
    vae = AutoencoderKL(**VAE).eval()
    report = {}
    report["text_encoder"] = load_onnx_weights(text_encoder, f"{folder}/text_encoder/model.onnx")
    report["unet"] = load_onnx_weights(unet, f"{folder}/unet/model.onnx")
    report["vae_encoder"] = load_onnx_weights(_half(vae, "encoder", "quant_conv"), f"{folder}/vae_encoder/model.onnx")
    report["vae_decoder"] = load_onnx_weights(_half(vae, "decoder", "post_quant_conv"), f"{folder}/vae_decoder/model.onnx")
    tokenizer = CLIPTokenizer.from_folder(f"{folder}/tokenizer")
    with open(f"{folder}/scheduler/scheduler_config.json") as f:
        scheduler_config = json.load(f)
    return text_encoder, tokenizer, unet, vae, scheduler_config, report


def _half(vae, *names):
    half = VaeParts()
    for name in names:
        half.add_module(name, getattr(vae, name))
    return half
