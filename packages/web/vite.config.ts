import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dashboard is served by the Rekey server from dist/ in production; `npm run dev` proxies the API.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': process.env.REKEY_API_URL ?? 'http://127.0.0.1:8080' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rolldownOptions: {
      // Libraries change less often than the dashboard: a separate chunk stays cached across releases.
      output: {
        advancedChunks: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack)[\\/]/ },
            { name: 'mantine', test: /node_modules[\\/]@mantine[\\/]/ },
            { name: 'vendor', test: /node_modules/ },
          ],
        },
      },
    },
  },
});
