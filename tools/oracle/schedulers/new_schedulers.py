#!/usr/bin/python3
"""Reference trajectories of the schedulers added after the first oracle, from diffusers 0.24.0's own files.

Usage: new_schedulers.py DIR OUT.json, where DIR holds diffusers v0.24.0's src/diffusers/schedulers/*.py
(for example: git --git-dir=<diffusers>.git archive v0.24.0 src/diffusers/schedulers | tar -x). The scheduler files
run unchanged on Debian's torch 1.13; this script stubs only the small parts of diffusers they import (the config
mixin, BaseOutput, randn_tensor), so no diffusers install is needed. The loop and the output format are those of
test/fixtures/oracle/schedulers-sd15-10-steps.json (see its description), which golden.node.test.ts reads.
"""
import dataclasses
import enum
import functools
import importlib.util
import inspect
import json
import math
import os
import sys
import types

import torch


class FrozenDict(dict):
    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError as error:
            raise AttributeError(key) from error


def register_to_config(init):
    @functools.wraps(init)
    def inner(self, *args, **kwargs):
        bound = inspect.signature(init).bind(self, *args, **kwargs)
        bound.apply_defaults()
        config = {k: v for k, v in bound.arguments.items() if k not in ("self", "kwargs")}
        self._internal_dict = FrozenDict(config)
        init(self, *args, **kwargs)
    return inner


class ConfigMixin:
    @property
    def config(self):
        return self._internal_dict

    def __getattr__(self, name):
        # diffusers 0.24 still answers config keys as attributes (with a deprecation warning).
        config = self.__dict__.get("_internal_dict")
        if config is not None and name in config:
            return config[name]
        raise AttributeError(name)


class BaseOutput:
    pass


def randn_tensor(shape, generator=None, device=None, dtype=None, layout=None):
    return torch.randn(shape, generator=generator, dtype=dtype)


def install_stubs():
    def module(name, **attrs):
        m = types.ModuleType(name)
        m.__path__ = []
        m.__dict__.update(attrs)
        sys.modules[name] = m
        return m

    @dataclasses.dataclass
    class SchedulerOutput(BaseOutput):
        prev_sample: torch.FloatTensor

    class KarrasDiffusionSchedulers(enum.Enum):
        DDIMScheduler = 1

    module("diffusers")
    module("diffusers.configuration_utils", ConfigMixin=ConfigMixin, register_to_config=register_to_config)
    module("diffusers.utils", BaseOutput=BaseOutput, deprecate=lambda *a, **k: None,
           logging=types.SimpleNamespace(get_logger=lambda name: __import__("logging").getLogger(name)))
    module("diffusers.utils.torch_utils", randn_tensor=randn_tensor)
    module("diffusers.schedulers")
    module("diffusers.schedulers.scheduling_utils", SchedulerMixin=type("SchedulerMixin", (), {"order": 1}), SchedulerOutput=SchedulerOutput,
           KarrasDiffusionSchedulers=KarrasDiffusionSchedulers)


def load(directory, name):
    spec = importlib.util.spec_from_file_location(f"diffusers.schedulers.{name}", os.path.join(directory, f"{name}.py"))
    m = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = m
    spec.loader.exec_module(m)
    return m


SD15 = {"num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear",
        "steps_offset": 1, "clip_sample": False, "set_alpha_to_one": False, "skip_prk_steps": True, "trained_betas": None}


def model(sample, t):
    t = torch.as_tensor(t).reshape(-1, 1, 1, 1).to(torch.float32)
    return sample * t / (t + 1)


def run(cls, kwargs, step_kwargs, steps=10, next_timestep=False):
    sched = cls(**kwargs)
    sched.set_timesteps(steps)
    sample0 = torch.arange(256, dtype=torch.float32).reshape(1, 4, 8, 8) / 256 - 0.5
    sample = sample0 * sched.init_noise_sigma
    generator = torch.Generator().manual_seed(0)
    takes_generator = "generator" in inspect.signature(sched.step).parameters
    records = []
    for i, t in enumerate(sched.timesteps):
        inp = sched.scale_model_input(sample, t)
        extra = {"generator": generator} if takes_generator else {}
        if next_timestep:  # as the unCLIP pipelines call it: the run's next timestep, None after the last
            extra["prev_timestep"] = sched.timesteps[i + 1] if i + 1 < len(sched.timesteps) else None
        sample = sched.step(model(inp, t), t, sample, **step_kwargs, **extra).prev_sample
        flat = sample.flatten().tolist()
        records.append({"i": i, "t": float(t), "abs_sum": math.fsum(abs(v) for v in flat), "first8": flat[:8]})
    sigmas = getattr(sched, "sigmas", None)
    out = {"num_inference_steps": steps, "timesteps": {"values": [float(t) for t in sched.timesteps]},
           "init_noise_sigma": float(sched.init_noise_sigma), "order": sched.order, "steps": records,
           "final_sample": sample.flatten().tolist(), "generator_passed_to_step": takes_generator}
    if sigmas is not None:
        out["sigmas"] = {"values": [float(s) for s in sigmas]}
    return sched, out, takes_generator


def variant(cls, extra, step_kwargs=None, next_timestep=False):
    accepted = inspect.signature(cls.__init__).parameters
    kwargs = {k: v for k, v in {**SD15, **extra}.items() if k in accepted}
    sched, result, takes_generator = run(cls, kwargs, step_kwargs or {}, next_timestep=next_timestep)
    config = {**dict(sched.config), **({"use_next_timestep": True} if next_timestep else {})}
    return {"class": cls.__name__, "config": config, "step_kwargs": step_kwargs or {},
            "generator_passed_to_step": takes_generator, "run": result}


def batch_no_noise(cls, extra, steps=10):
    """batch_step_no_noise over every timestep of a run at once: entry k is sample0 * (1 + k / 10) at timesteps[k]."""
    accepted = inspect.signature(cls.__init__).parameters
    sched = cls(**{k: v for k, v in {**SD15, **extra}.items() if k in accepted})
    sched.set_timesteps(steps)
    sample0 = torch.arange(256, dtype=torch.float32).reshape(1, 4, 8, 8) / 256 - 0.5
    ts = sched.timesteps
    samples = torch.cat([sample0 * (1 + k / 10) for k in range(len(ts))])
    out = sched.batch_step_no_noise(model(samples, ts), ts, samples)
    return {"timesteps": [int(t) for t in ts], "entries": [{"abs_sum": math.fsum(abs(v) for v in row.flatten().tolist()),
            "first8": row.flatten().tolist()[:8]} for row in out]}


def main(directory, out_path):
    install_stubs()
    ipndm = load(directory, "scheduling_ipndm").IPNDMScheduler
    ddim_inverse = load(directory, "scheduling_ddim_inverse").DDIMInverseScheduler
    ddpm = load(directory, "scheduling_ddpm").DDPMScheduler
    ddim = load(directory, "scheduling_ddim").DDIMScheduler
    lcm = load(directory, "scheduling_lcm").LCMScheduler
    # Dynamic thresholding: a ratio and a ceiling that make s vary (the defaults clamp it to 1).
    threshold = {"thresholding": True, "dynamic_thresholding_ratio": 0.9, "sample_max_value": 3.0}
    ddpm_parallel = load(directory, "scheduling_ddpm_parallel").DDPMParallelScheduler
    ddim_parallel = load(directory, "scheduling_ddim_parallel").DDIMParallelScheduler
    parallel = {
        "DDPMParallelScheduler": {**variant(ddpm_parallel, {}), "batch_no_noise": batch_no_noise(ddpm_parallel, {})},
        "DDIMParallelScheduler": {**variant(ddim_parallel, {}), "batch_no_noise": batch_no_noise(ddim_parallel, {})},
        "DDIMParallelScheduler_v_alpha_one": {**variant(ddim_parallel, {"prediction_type": "v_prediction", "set_alpha_to_one": True}),
                                             "batch_no_noise": batch_no_noise(ddim_parallel, {"prediction_type": "v_prediction", "set_alpha_to_one": True})},
    }
    unclip = load(directory, "scheduling_unclip").UnCLIPScheduler
    schedulers = {
        **parallel,
        "UnCLIPScheduler": variant(unclip, {"beta_schedule": "squaredcos_cap_v2"}),
        "UnCLIPScheduler_next_timestep": variant(unclip, {"beta_schedule": "squaredcos_cap_v2", "clip_sample_range": 0.5}, next_timestep=True),
        "DDPMScheduler_thresholding": variant(ddpm, threshold),
        "DDIMScheduler_thresholding": variant(ddim, {**threshold, "prediction_type": "v_prediction"}),
        "LCMScheduler_thresholding": variant(lcm, {**threshold, "sample_max_value": 1.5}),
        "IPNDMScheduler": variant(ipndm, {}),
        "DDIMInverseScheduler": variant(ddim_inverse, {}),
        "DDIMInverseScheduler_trailing_v": variant(ddim_inverse, {"timestep_spacing": "trailing", "prediction_type": "v_prediction", "steps_offset": 0}),
        "DDIMInverseScheduler_alpha_one_clip": variant(ddim_inverse, {"set_alpha_to_one": True, "clip_sample": True, "clip_sample_range": 0.5}),
    }
    doc = {"description": "Trajectories of schedulers added later, from diffusers 0.24.0's scheduler files run under "
           "tools/oracle/schedulers/new_schedulers.py (stubbed config mixin) on torch " + torch.__version__ +
           " CPU, float32; same loop, dummy model and fields as schedulers-sd15-10-steps.json.",
           "diffusers_version": "0.24.0", "schedulers": schedulers}
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
