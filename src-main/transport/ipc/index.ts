export { registerIpc, trustedSender, forwardEvents, type IpcMainLike, type IpcInvokeEvent } from './ipcBridge';
export { isAppUrl, type AppPages } from './appUrl';
export { registerBundleFileIpc } from './bundleFileIpc';
