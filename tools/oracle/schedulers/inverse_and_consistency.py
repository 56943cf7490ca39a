#!/usr/bin/python3
"""Reference trajectories of DPMSolverMultistepInverseScheduler and CMStochasticIterativeScheduler, from diffusers
0.24.0's own files.

Usage: inverse_and_consistency.py DIR OUT.json, with DIR as for new_schedulers.py (diffusers v0.24.0's
src/diffusers/schedulers/*.py). The stubs, the dummy model, the loop and the output format are new_schedulers.py's,
so golden.node.test.ts reads the result the same way (test/fixtures/oracle/schedulers-inverse-cm.json).
"""
import inspect
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import json  # noqa: E402

import torch  # noqa: E402

from new_schedulers import SD15, install_stubs, load, run  # noqa: E402


def variant(cls, extra, steps=10, base=SD15):
    accepted = inspect.signature(cls.__init__).parameters
    kwargs = {k: v for k, v in {**base, **extra}.items() if k in accepted}
    sched, result, takes_generator = run(cls, kwargs, {}, steps=steps)
    return {"class": cls.__name__, "config": dict(sched.config), "step_kwargs": {},
            "generator_passed_to_step": takes_generator, "run": result}


def main(directory, out_path):
    install_stubs()
    inverse = load(directory, "scheduling_dpmsolver_multistep_inverse").DPMSolverMultistepInverseScheduler
    cm = load(directory, "scheduling_consistency_models").CMStochasticIterativeScheduler
    cosine = {"beta_schedule": "squaredcos_cap_v2", "lambda_min_clipped": -5.1}
    schedulers = {
        "DPMSolverMultistepInverseScheduler": variant(inverse, {}),
        "DPMSolverMultistepInverseScheduler_leading": variant(inverse, {"timestep_spacing": "leading"}),
        "DPMSolverMultistepInverseScheduler_trailing_v": variant(inverse, {"timestep_spacing": "trailing", "prediction_type": "v_prediction"}),
        "DPMSolverMultistepInverseScheduler_karras": variant(inverse, {"use_karras_sigmas": True}),
        "DPMSolverMultistepInverseScheduler_order3_heun": variant(inverse, {"solver_order": 3, "algorithm_type": "dpmsolver", "solver_type": "heun"}),
        # The SDE variants are left out: run backwards, their noise scale is the root of a negative number (NaN).
        "DPMSolverMultistepInverseScheduler_dpmsolver_order1": variant(inverse, {"algorithm_type": "dpmsolver", "solver_order": 1}),
        "DPMSolverMultistepInverseScheduler_cosine_clipped": variant(inverse, cosine),
        "CMStochasticIterativeScheduler": variant(cm, {}, base={}),
        "CMStochasticIterativeScheduler_no_clip": variant(cm, {"clip_denoised": False, "s_noise": 1.007, "sigma_data": 0.6}, steps=4, base={}),
        "CMStochasticIterativeScheduler_onestep": variant(cm, {"num_train_timesteps": 151, "rho": 5.0}, steps=1, base={}),
    }
    doc = {"description": "Trajectories of DPMSolverMultistepInverseScheduler and CMStochasticIterativeScheduler from "
           "diffusers 0.24.0's scheduler files run under tools/oracle/schedulers/inverse_and_consistency.py "
           "(stubbed config mixin) on torch " + torch.__version__ + " CPU, float32; same loop, dummy model and "
           "fields as schedulers-added.json.", "diffusers_version": "0.24.0", "schedulers": schedulers}
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
