"""Inversion references on tiny-sd: diffusers 0.24's DDIMInverseScheduler / DPMSolverMultistepInverseScheduler
loop, as StableDiffusionPix2PixZeroPipeline.invert runs it (encode, then scale_model_input, U-Net, step at each
ascending timestep; guidance as in its pipelines), from diffusers' own files on the ONNX weights.

Writes test/fixtures/oracle/invert-tiny-sd.json, which test/sdk/invert.browser.test.ts compares with invert().
Run: tools/oracle/run.sh invert_reference.py (see README.md).
"""
import json
import os

import numpy as np
import torch

from diffusers import DDIMInverseScheduler, DPMSolverMultistepInverseScheduler, DPMSolverMultistepScheduler, DDIMScheduler
from diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion import StableDiffusionPipeline
from common import MODELS, REPO
from models import build

OUT = os.path.join(REPO, "test/fixtures/oracle/invert-tiny-sd.json")
PROMPT = "a red fox in the snow"
# (id, inverse class, forward class, steps, guidance, overrides): the SDK request names the forward sampler.
CASES = [
    ("ddim-10", DDIMInverseScheduler, DDIMScheduler, 10, 1.0, {}, "DDIM"),
    ("ddim-4-guided", DDIMInverseScheduler, DDIMScheduler, 4, 3.0, {}, "DDIM"),
    ("dpm-10", DPMSolverMultistepInverseScheduler, DPMSolverMultistepScheduler, 10, 1.0, {}, "DPM++ 2M"),
    ("dpm-karras-8", DPMSolverMultistepInverseScheduler, DPMSolverMultistepScheduler, 8, 1.0, {"use_karras_sigmas": True}, "DPM++ 2M Karras"),
]


def picture():
    """The browser test's picture: a gradient with a square, 64 x 64."""
    a = np.zeros((64, 64, 3), np.uint8)
    for y in range(64):
        for x in range(64):
            square = 16 < x < 40 and 20 < y < 44
            a[y, x] = [230 if square else x * 3, 40 if square else y * 3, 128]
    return a


def invert(pipe, scheduler, latents, steps, guidance):
    guided = guidance > 1
    embeds, negative = pipe.encode_prompt(PROMPT, "cpu", 1, guided, "")
    embeds = torch.cat([negative, embeds]) if guided else embeds
    scheduler.set_timesteps(steps)
    for t in scheduler.timesteps:
        model_input = scheduler.scale_model_input(torch.cat([latents] * 2) if guided else latents, t)
        noise = pipe.unet(model_input, t, encoder_hidden_states=embeds).sample
        if guided:
            uncond, cond = noise.chunk(2)
            noise = uncond + guidance * (cond - uncond)
        latents = scheduler.step(noise, t, latents).prev_sample
    return latents, [int(t) for t in scheduler.timesteps]


def main():
    text_encoder, tokenizer, unet, vae, config, _ = build(f"{MODELS}/tiny-sd")
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
                                   scheduler=DDIMScheduler.from_config(config), safety_checker=None,
                                   feature_extractor=None, requires_safety_checker=False)
    image = torch.from_numpy(picture()).float().permute(2, 0, 1)[None] / 127.5 - 1
    cases = []
    with torch.no_grad():
        # diffusers' ONNX encoder samples in the graph with a std of ~3e-7 here: the mean is that sample.
        x0 = vae.encode(image).latent_dist.mean * vae.config.scaling_factor
        for case_id, inverse, forward, steps, guidance, overrides, sampler in CASES:
            scheduler = inverse.from_config(forward.from_config(config, **overrides).config)
            latents, timesteps = invert(pipe, scheduler, x0.clone(), steps, guidance)
            cases.append({"id": case_id, "scheduler": sampler, "inverse_class": inverse.__name__, "steps": steps,
                          "guidance_scale": guidance, "timesteps": timesteps, "latents": latents.flatten().tolist()})
    doc = {"description": "diffusers 0.24.0 inversion of the 64x64 test picture on tiny-sd (tools/oracle/invert_reference.py), "
           f"prompt {PROMPT!r}, torch {torch.__version__} CPU float32; latents [4, 8, 8] after the last inverse step.",
           "prompt": PROMPT, "cases": cases}
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main()
