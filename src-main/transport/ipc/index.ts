export { registerIpc, handleInvoke, trustedSender, forwardEvents, type IpcMainLike, type IpcInvokeEvent, type WebContentsLike, type TrustedSenderCheck } from './ipcBridge';
export { isAppUrl, type AppPages } from './appUrl';
