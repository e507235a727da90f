import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startEarlyMainImage } from './early-main-image';
import './styles.css';

// Before the first render: the page's main picture is asked for as soon as its API answer is here.
startEarlyMainImage(window.location.pathname);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
