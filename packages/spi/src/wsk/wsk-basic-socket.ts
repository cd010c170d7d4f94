/**
 * A basic socket (`WSK_FLAG_BASIC_SOCKET`): no data transfer, only control operations
 * (`WskControlSocket`) and `WskCloseSocket`. It never binds, so closing it has nothing to release.
 * @module
 */

import { WSK_FLAG_BASIC_SOCKET } from './wsk-constants';
import { WskSocketObject } from './wsk-socket';

/** A WSK basic socket. */
export class WskBasicSocket extends WskSocketObject {
  /** `WSK_FLAG_BASIC_SOCKET`. */
  readonly category = WSK_FLAG_BASIC_SOCKET;

  protected release(done: () => void): void {
    done();
  }
}
