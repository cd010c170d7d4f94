export * from './guid';
export * from './out-cell';
export * from './protocol-info';
export * from './sockaddr';
export * from './wsabuf';
export * from './wsadata';
