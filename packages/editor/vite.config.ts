import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  // Resolve @groundwork/runtime to its TypeScript source, so the editor never needs the runtime built first.
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
  server: { proxy: { '/api': 'http://127.0.0.1:4100', '/v1': 'http://127.0.0.1:4100' } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
