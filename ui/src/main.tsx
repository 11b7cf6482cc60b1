// Entry point: mount the app and let in-app links navigate without reloading.
import { render } from 'preact';
import { App } from './app.js';
import { interceptLinks } from './lib/router.js';
import { labelTablesContinuously } from './lib/table-labels.js';
import './styles.css';

const root = document.getElementById('app')!;
interceptLinks(document.body);
labelTablesContinuously(document.body);
render(<App />, root);
