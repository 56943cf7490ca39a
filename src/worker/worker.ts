/** The worker entry: exposes the API over Comlink, nothing else. */
import { expose } from 'comlink';
import { installErrorTransfer } from '../sdk/comlink-errors.ts';
import { WorkerApi } from './api.ts';

installErrorTransfer();
expose(new WorkerApi());
