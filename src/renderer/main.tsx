import { render } from 'preact';
import { connect, reconnectOnNewToken } from './api.js';
import { App } from './components/App.js';
import './app.css';

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element');
reconnectOnNewToken();
render(<App connection={connect()} />, root);
