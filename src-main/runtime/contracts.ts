/**
 * Every contract of the kernel in one import, for code that needs several audiences'.
 * Each audience has its own module: workflow authors `workflowContract`, effect handlers
 * `effectContract`, stores `storeContract`, time and ids `kernelServices`.
 */
export type * from './workflowContract';
export type * from './effectContract';
export type * from './kernelServices';
export type * from './storeContract';
