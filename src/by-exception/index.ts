// Store by exception (docs/CONFIG.md, `history:`): the filter and its binding to devices.
export { ExceptionFilter } from './exception-filter.js';
export { StoreByException } from './store-by-exception.js';
