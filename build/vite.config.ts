import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../renderer', import.meta.url));

// Dev server: `LOUPE_API=http://127.0.0.1:17601 LOUPE_TOKEN=… npx vite --config build/vite.config.ts`
// proxies the API to a running core, signing requests with the session token (the core's cookie
// belongs to its own origin) and dropping the dev origin, which the core would refuse.
const api = process.env.LOUPE_API ?? 'http://127.0.0.1:7600';
const token = process.env.LOUPE_TOKEN;

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': {
        target: api,
        changeOrigin: true,
        configure: (proxy) =>
          proxy.on('proxyReq', (req) => {
            req.removeHeader('origin');
            if (token) req.setHeader('authorization', `Bearer ${token}`);
          }),
      },
    },
  },
});
