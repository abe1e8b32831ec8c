// The renderer's entry: one API object (Electron's preload or `raptr serve`'s HTTP + WebSocket client,
// chosen by createApi) handed to the app.
import { mount } from 'svelte';
import App from './App.svelte';
import { createApi } from './lib/api/index.js';
import { connection } from './lib/state/connection.svelte.js';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lost its #app element');
mount(App, { target, props: { api: createApi({ onConnectionChange: connection.onChange }), connection } });
