export * from './ifs-handle';
export * from './wsp-proc-table';
export * from './wsp-types';
export * from './wsp-upcall-table';
