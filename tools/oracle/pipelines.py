"""Runs one case (the JSON form of ../shared/oracle/diffusers-parity-dev.json) through diffusers 0.24's PyTorch
pipelines on the ONNX weights, and returns its pixels as diffusers' numpy_to_pil makes them."""
import base64
import io

import numpy as np
import torch
from PIL import Image

import diffusers
from diffusers.pipelines.stable_diffusion import pipeline_stable_diffusion_img2img as img2img_module
from diffusers.pipelines.stable_diffusion import pipeline_stable_diffusion_inpaint as inpaint_module
from diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion import StableDiffusionPipeline
from diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion_img2img import StableDiffusionImg2ImgPipeline
from diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion_inpaint import StableDiffusionInpaintPipeline
from models import build

PIPELINES = {
    "StableDiffusionPipeline": StableDiffusionPipeline,
    "StableDiffusionImg2ImgPipeline": StableDiffusionImg2ImgPipeline,
    "StableDiffusionInpaintPipeline": StableDiffusionInpaintPipeline,
}
CALL_ARGS = ("prompt", "negative_prompt", "num_inference_steps", "guidance_scale", "height", "width", "strength")


def rgb_image(b64, size=64):
    return Image.fromarray(np.frombuffer(base64.b64decode(b64), np.uint8).reshape(size, size, 3))


class Models:
    """Each model folder built once."""

    def __init__(self, root):
        self.root, self.cache = root, {}

    def get(self, name):
        if name not in self.cache:
            self.cache[name] = build(f"{self.root}/{name}")
        return self.cache[name]


def make_scheduler(spec, scheduler_config):
    if spec["class"] == "DPMSolverSDEScheduler":
        # diffusers exports a placeholder unless torchsde is pip-installed; its module runs on torchsde's source.
        from diffusers.schedulers.scheduling_dpmsolver_sde import DPMSolverSDEScheduler as cls
    else:
        cls = getattr(diffusers, spec["class"])
    return cls.from_config(scheduler_config, **spec.get("overrides", {}))


def run_case(case, models, image, mask, imitate=()):
    """Pixels (uint8 [H, W, 3]) of one case. `imitate` names web-diffusion's known bugs to reproduce instead
    (issue 12 items): 'posterior-draw' (item 1), 'strength-1' (item 2), 'lcm-timesteps' (item 5)."""
    text_encoder, tokenizer, unet, vae, scheduler_config, _ = models.get(case["model"])
    pipeline_name = case["pipeline"]
    settings = case["settings"]
    if "strength-1" in imitate and pipeline_name.endswith("Img2ImgPipeline") and settings.get("strength") == 1.0:
        pipeline_name = "StableDiffusionPipeline"  # web-diffusion ignores the image: pure noise, as text-to-image
    scheduler = make_scheduler(case["scheduler"], scheduler_config)
    if "lcm-timesteps" in imitate and case["scheduler"]["class"] == "LCMScheduler":
        imitate_lcm_timesteps(scheduler)
    pipe = PIPELINES[pipeline_name](vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
                                    scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                    requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    kwargs = {k: settings[k] for k in CALL_ARGS if k in settings and settings[k] is not None}
    if pipeline_name == "StableDiffusionPipeline":
        kwargs.pop("strength", None)
    if pipeline_name != "StableDiffusionPipeline":
        kwargs["image"] = image
    if pipeline_name.endswith("InpaintPipeline"):
        kwargs["mask_image"] = mask
    generator = torch.Generator().manual_seed(settings["seed"])
    with torch.no_grad(), posterior_draws("posterior-draw" not in imitate):
        out = pipe(generator=generator, output_type="np", **kwargs).images[0]
    return (out * 255).round().astype(np.uint8)


class posterior_draws:
    """With draws=False, the VAE posterior is taken as its mean without touching the generator, as web-diffusion
    does with an encoder that returns an already-sampled latent (equal to float32 precision here)."""

    def __init__(self, draws):
        self.draws = draws

    def __enter__(self):
        self.saved = img2img_module.retrieve_latents, inpaint_module.retrieve_latents
        if not self.draws:
            no_draw = lambda output, generator=None: output.latent_dist.mean
            img2img_module.retrieve_latents = inpaint_module.retrieve_latents = no_draw

    def __exit__(self, *exc):
        img2img_module.retrieve_latents, inpaint_module.retrieve_latents = self.saved


def imitate_lcm_timesteps(scheduler):
    """web-diffusion's LCM schedule before issue 12 item 5: every floor(50 / steps)-th of the original timesteps
    from the end (diffusers 0.24 takes np.linspace(0, 50, steps, endpoint=False), floored)."""
    original_set = scheduler.set_timesteps

    def set_timesteps(num_inference_steps, device=None, **kwargs):
        original_set(num_inference_steps, device, **kwargs)
        cfg = scheduler.config
        c = cfg.num_train_timesteps // cfg.original_inference_steps
        origin = np.arange(1, cfg.original_inference_steps + 1) * c - 1
        skip = len(origin) // num_inference_steps
        scheduler.timesteps = torch.from_numpy(origin[::-1][::skip][:num_inference_steps].copy()).long()

    scheduler.set_timesteps = set_timesteps
