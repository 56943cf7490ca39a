/** The worker entry: exposes the API over Comlink, nothing else. */
import { expose } from 'comlink';
import { installErrorTransfer } from './protocol/error-transfer.ts';
import { WorkerApi } from './api.ts';

installErrorTransfer();
expose(new WorkerApi());
