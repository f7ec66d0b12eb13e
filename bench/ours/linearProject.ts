/**
 * The benchmark's linear workflow as a project module, so that `abstractruntime worker`
 * processes load it the way a user's workflows are loaded (abstractruntime.project.json).
 */
import { linearWorkflow } from './workflows';

export const workflows = [linearWorkflow(10)];
