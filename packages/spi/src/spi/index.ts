export * from './completion-status';
export * from './event-handle-low-bit';
export * from './ifs-handle';
export * from './mswsock-types';
export * from './overlapped-request';
export * from './wsp-proc-table';
export * from './wsp-types';
export * from './wsp-upcall-table';
