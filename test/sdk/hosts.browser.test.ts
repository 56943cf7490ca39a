// Folder models on the hosts people use: a single-page-app host that answers missing files with its HTML page,
// and a static host whose request log shows that a normal load asks for nothing the folder lacks (no 404s).
// The routes are test/servers/live-server.mjs.
import { deepEqual, equal, ok } from '../helpers/assert.ts';
import { clearModelCache, smallRequest, varies } from '../helpers/models.ts';
import { createDiffusion } from '../../src/sdk/index.ts';
import { inVariant, liveFolder, liveLog, setLiveMode } from '../helpers/live-host.ts';

describe('hosts', () => {
  beforeEach(clearModelCache);

  it('a single-page-app host (200 + HTML for missing files): the optional files count as absent and the model loads', async () => {
    // optimum's layout names vae_decoder/config.json; without it (and without special_tokens_map.json) the SPA
    // host sends its page for both. The U-Net is optimum-fp32's: SD 1.x padding, the default when the map is absent.
    await setLiveMode('spa-optimum', { spa: true, hide: inVariant('optimum-fp32', ['vae_decoder/config.json', 'tokenizer/special_tokens_map.json']) });
    const diffusion = await createDiffusion({ model: liveFolder('spa-optimum', 'optimum-fp32'), device: 'wasm' });
    try {
      ok(varies((await diffusion.generate(smallRequest)).image), 'the image varies');
      const html = (await liveLog('spa-optimum')).filter((r) => /config\.json$|special_tokens_map\.json$/.test(r.path) && r.status === 200);
      equal(html.length >= 2, true, 'the host answered the missing files with 200');
    } finally {
      await diffusion.dispose();
    }
  });

  it('a single-page-app host without model_index.json: every usual place is tried, HTML answers are skipped', async () => {
    await setLiveMode('spa-noindex', { spa: true, hide: inVariant('web-int64', ['model_index.json']) });
    const diffusion = await createDiffusion({ model: liveFolder('spa-noindex', 'web-int64'), device: 'wasm' });
    try {
      ok(varies((await diffusion.generate(smallRequest)).image), 'the image varies');
      const paths = (await liveLog('spa-noindex')).map((r) => r.path);
      ok(paths.some((p) => p.endsWith('/vae/config.json')), 'the VAE config was found in vae/ after the HTML answer');
    } finally {
      await diffusion.dispose();
    }
  });

  for (const variant of ['web-int64', 'optimum-fp32', 'optimum-external']) {
    it(`a normal ${variant} folder load asks only for files the folder has (no 404s)`, async () => {
      const id = `no404-${variant}`;
      await setLiveMode(id, {});
      const diffusion = await createDiffusion({ model: liveFolder(id, variant), device: 'wasm' });
      try {
        const image = new ImageData(64, 64);
        image.data.fill(128);
        // Image-to-image loads the VAE encoder too.
        await diffusion.generate({ ...smallRequest, image, strength: 0.5 });
      } finally {
        await diffusion.dispose();
      }
      const requests = await liveLog(id);
      ok(requests.length >= 7, `the load made its requests (${requests.length})`);
      deepEqual(requests.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.path}`), [], 'requests not answered 200');
    });
  }
});
