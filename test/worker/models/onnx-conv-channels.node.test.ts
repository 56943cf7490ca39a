// The U-Net's first convolution tells its input channels when the sample's channel axis is symbolic (issue 12.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { firstConvInputChannels } from '../../../src/worker/models/onnx-conv-channels.ts';

const unet = (variant: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/models/${variant}/unet/model.onnx`, import.meta.url)));

test('conv_in of an inpainting U-Net reads 9 input channels, of a text-to-image one 4', async () => {
  assert.equal(await firstConvInputChannels(unet('inpaint-9ch')), 9);
  assert.equal(await firstConvInputChannels(unet('inpaint-9ch-diffusers')), 9, 'symbolic channel axis');
  assert.equal(await firstConvInputChannels(unet('web-int64')), 4);
  assert.equal(await firstConvInputChannels(unet('optimum-external')), 4, 'weights in an external file: dims stay in the graph');
});

test('the same from a Blob, and undefined for bytes that are no model', async () => {
  assert.equal(await firstConvInputChannels(new Blob([unet('inpaint-9ch')])), 9);
  assert.equal(await firstConvInputChannels(new Uint8Array([1, 2, 3])), undefined);
});
