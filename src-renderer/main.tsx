import '@xyflow/react/dist/style.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickClient } from './api/pickClient';
import { App } from './App';
import { setRuntimeClient } from './state/clientRef';
import { connectLiveEvents } from './state/liveEvents';

const client = pickClient();
setRuntimeClient(client);
connectLiveEvents(client);
if (client.transport === 'web' && 'Notification' in globalThis && Notification.permission === 'default') {
  // Asked once on the first click: browsers ignore permission prompts without a gesture.
  window.addEventListener('click', () => void Notification.requestPermission(), { once: true });
}
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
