"""The extra parity cases: every sampler web-diffusion and diffusers 0.24 share, seeds, guidance on and off, a
negative prompt, image-to-image strengths (1.0 included) and both kinds of inpainting. 64x64, few steps."""

FOX = "a red fox in the snow"
LIGHTHOUSE = "a watercolor painting of a lighthouse at dusk"
KARRAS = {"use_karras_sigmas": True}

# web-diffusion sampler name -> (diffusers class, from_config overrides); names.ts maps the same way
SAMPLERS = {
    "Euler": ("EulerDiscreteScheduler", {}),
    "Euler Karras": ("EulerDiscreteScheduler", KARRAS),
    "Euler a": ("EulerAncestralDiscreteScheduler", {}),
    "Heun": ("HeunDiscreteScheduler", {}),
    "Heun Karras": ("HeunDiscreteScheduler", KARRAS),
    "LMS": ("LMSDiscreteScheduler", {}),
    "LMS Karras": ("LMSDiscreteScheduler", KARRAS),
    "DPM2": ("KDPM2DiscreteScheduler", {}),
    "DPM2 Karras": ("KDPM2DiscreteScheduler", KARRAS),
    "DPM2 a": ("KDPM2AncestralDiscreteScheduler", {}),
    "DPM2 a Karras": ("KDPM2AncestralDiscreteScheduler", KARRAS),
    "DPM++ 2M": ("DPMSolverMultistepScheduler", {"algorithm_type": "dpmsolver++", "solver_order": 2}),
    "DPM++ 2M Karras": ("DPMSolverMultistepScheduler", {"algorithm_type": "dpmsolver++", "solver_order": 2, **KARRAS}),
    "DPM++ 2M SDE": ("DPMSolverMultistepScheduler", {"algorithm_type": "sde-dpmsolver++", "solver_order": 2}),
    "DPM++ 2M SDE Karras": ("DPMSolverMultistepScheduler", {"algorithm_type": "sde-dpmsolver++", "solver_order": 2, **KARRAS}),
    # Its noise comes from a Brownian tree: case() seeds it with the request's seed, as web-diffusion does.
    "DPM++ SDE": ("DPMSolverSDEScheduler", {}),
    "DPM++ SDE Karras": ("DPMSolverSDEScheduler", KARRAS),
    "DPM++ 2S": ("DPMSolverSinglestepScheduler", {"algorithm_type": "dpmsolver++", "solver_order": 2}),
    "DPM++ 2S Karras": ("DPMSolverSinglestepScheduler", {"algorithm_type": "dpmsolver++", "solver_order": 2, **KARRAS}),
    "UniPC": ("UniPCMultistepScheduler", {}),
    "UniPC Karras": ("UniPCMultistepScheduler", KARRAS),
    "uni_pc": ("UniPCMultistepScheduler", {"solver_type": "bh1"}),
    "DEIS": ("DEISMultistepScheduler", {}),
    "DDIM": ("DDIMScheduler", {}),
    "PLMS": ("PNDMScheduler", {"skip_prk_steps": True}),
    "PNDM": ("PNDMScheduler", {"skip_prk_steps": False}),
    "DDPM": ("DDPMScheduler", {}),
    "LCM": ("LCMScheduler", {}),
}


def case(kind, sampler, steps=4, seed=0, guidance=7.5, prompt=FOX, negative=None, strength=None, model="tiny-sd",
         width=64, height=64):
    cls, overrides = SAMPLERS[sampler]
    if cls == "DPMSolverSDEScheduler":
        overrides = {**overrides, "noise_sampler_seed": seed}
    pipeline = {"t2i": "StableDiffusionPipeline", "i2i": "StableDiffusionImg2ImgPipeline"}.get(kind, "StableDiffusionInpaintPipeline")
    slug = sampler.lower().replace("+", "p").replace(" ", "-")
    parts = [kind, slug, str(steps), f"seed{seed}", f"g{guidance:g}"] + ([f"s{strength:g}"] if strength is not None else [])
    parts += ["neg"] if negative else []
    parts += [f"{width}x{height}"] if (width, height) != (64, 64) else []
    parts += ["lighthouse"] if prompt == LIGHTHOUSE else []
    settings = {"prompt": prompt, "negative_prompt": negative, "num_inference_steps": steps, "guidance_scale": guidance,
                "height": height, "width": width, "seed": seed, "output_type": "np"}
    if strength is not None:
        settings["strength"] = strength
    request = {"prompt": prompt, "width": width, "height": height, "steps": steps, "guidanceScale": guidance,
               "seed": seed, "scheduler": sampler}
    if negative:
        request["negativePrompt"] = negative
    if strength is not None:
        request["strength"] = strength
    if kind != "t2i":
        request["image"] = True  # the fixture's `image`
    if kind.startswith("inpaint"):
        request.update(mask=True, maskBlur=0)  # compare inside the mask: web-diffusion pastes the original outside
    return {"id": "-".join(parts), "pipeline": pipeline, "model": model,
            "scheduler": {"class": cls, "overrides": overrides, "sdk": sampler}, "settings": settings, "request": request}


def all_cases():
    out = [case("t2i", s, steps=4) for s in SAMPLERS if s != "LCM"]
    out += [
        case("t2i", "LCM", steps=4, guidance=1.0),  # 4 does not divide 50: issue 12 item 5
        case("t2i", "LCM", steps=5, guidance=1.0),
        case("t2i", "DPM++ 2M Karras", steps=10),
        case("t2i", "Euler a", seed=1),
        case("t2i", "Euler a", seed=4294967295),
        case("t2i", "DDIM", seed=123456),
        case("t2i", "Euler", guidance=1.0),
        case("t2i", "DDIM", guidance=1.0),
        case("t2i", "DPM++ 2M", guidance=1.0, seed=7),
        case("t2i", "DDIM", guidance=3.0),
        case("t2i", "DDIM", negative="blurry, low quality"),
        case("t2i", "Euler a", prompt=LIGHTHOUSE, seed=3),
        case("t2i", "Euler", width=96, height=64),
        case("t2i", "DPM++ SDE Karras", steps=6, seed=21, guidance=1.0),
    ]
    out += [
        case("i2i", "DDIM", strength=0.3, steps=10),
        case("i2i", "Euler a", strength=0.5),
        case("i2i", "DPM++ 2M", strength=0.75, steps=8),
        case("i2i", "Euler", strength=0.6, steps=5),
        case("i2i", "LMS", strength=0.6, steps=5),
        case("i2i", "Heun", strength=0.6, steps=5),
        case("i2i", "UniPC", strength=0.6, steps=5),
        case("i2i", "PLMS", strength=0.6, steps=5),
        case("i2i", "DDPM", strength=0.6, steps=5),
        case("i2i", "DPM++ SDE", strength=0.6, steps=5),
        case("i2i", "Euler a", strength=0.5, guidance=1.0, seed=9),
        case("i2i", "DDIM", strength=1.0),  # issue 12 item 2
        case("i2i", "Euler a", strength=1.0, seed=5),  # issue 12 item 2
    ]
    inpaint = "tiny-sd-inpaint"
    out += [
        case("inpaint9", "DDIM", strength=1.0, model=inpaint),
        case("inpaint9", "Euler a", strength=1.0, model=inpaint, seed=5),
        case("inpaint9", "DPM++ 2M", strength=1.0, model=inpaint, steps=6),
        case("inpaint9", "Euler", strength=1.0, model=inpaint, guidance=1.0),
        case("inpaint9", "DDIM", strength=0.75, model=inpaint),
        case("inpaint4", "DDIM", strength=1.0),
        case("inpaint4", "Euler a", strength=1.0, seed=5),
        case("inpaint4", "DPM++ 2M", strength=0.6, steps=6),
        case("inpaint4", "LMS", strength=1.0, guidance=1.0),
    ]
    ids = [c["id"] for c in out]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return out
