#!/usr/bin/python3
"""Reference trajectories of diffusers 0.24.0's DPMSolverSDEScheduler, run from its own file on torchsde 0.2.6's source.

Usage (from anywhere): tools/oracle/run.sh schedulers/dpm_solver_sde.py DIR OUT.json
where DIR holds diffusers v0.24.0's src/diffusers/schedulers/*.py and torchsde's source is where run.sh looks for it
(see tools/oracle/README.md). The stubs, loop, dummy model and fields are those of new_schedulers.py (and of
schedulers-sd15-10-steps.json), which golden.node.test.ts reads: 10 steps on the SD 1.5 config. The noise comes from
the Brownian tree, so each variant fixes `noise_sampler_seed` (diffusers draws a random one from torch's global
generator otherwise); the step takes no generator.
"""
import sys

import torch
import torchsde

from schedulers.new_schedulers import install_stubs, load, variant


def main(directory, out_path):
    install_stubs()
    sde = load(directory, "scheduling_dpmsolver_sde").DPMSolverSDEScheduler
    schedulers = {}
    for seed in (0, 12345):
        schedulers[f"DPMSolverSDEScheduler_seed{seed}"] = variant(sde, {"noise_sampler_seed": seed})
        schedulers[f"DPMSolverSDEScheduler_karras_seed{seed}"] = variant(sde, {"noise_sampler_seed": seed, "use_karras_sigmas": True})
    schedulers["DPMSolverSDEScheduler_v_leading"] = variant(
        sde, {"noise_sampler_seed": 2**40 + 7, "prediction_type": "v_prediction", "timestep_spacing": "leading"})
    schedulers["DPMSolverSDEScheduler_karras_trailing"] = variant(
        sde, {"noise_sampler_seed": 99, "use_karras_sigmas": True, "timestep_spacing": "trailing"})
    doc = {"description": "Trajectories of diffusers 0.24.0's DPMSolverSDEScheduler (scheduling_dpmsolver_sde.py, unchanged)"
           " on torchsde " + torchsde.__version__ + "'s source and torch " + torch.__version__ + " CPU, float32, from"
           " tools/oracle/schedulers/dpm_solver_sde.py; same loop, dummy model and fields as schedulers-sd15-10-steps.json.",
           "diffusers_version": "0.24.0", "schedulers": schedulers}
    import json
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
