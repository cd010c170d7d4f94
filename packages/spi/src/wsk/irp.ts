/**
 * I/O request packets as WSK uses them: every WSK request takes an `IRP`, and WSK completes it when
 * the request is done — at once, before the call returns (the call then returns the same status),
 * or later (the call returns `STATUS_PENDING`). Completion sets `IoStatus { Status, Information }`
 * and runs the client's completion routine (`IoSetCompletionRoutine`), exactly once. A pending
 * request that can still be withdrawn is cancelled with `IoCancelIrp` and completes with
 * `STATUS_CANCELLED`.
 *
 * The client owns the IRP: `IoAllocateIrp` makes one, `IoReuseIrp` makes a completed one ready for
 * the next request, and its completion routine returns `STATUS_MORE_PROCESSING_REQUIRED` so the
 * IRP stays the client's. `irpCompletion` and `callWithIrp` wrap the usual "completion routine
 * signals an event, the caller waits" pattern in a promise.
 * @module
 */

import { isGenuine } from './argument-guard';
import { DISPATCH_LEVEL, KeGetCurrentIrql } from './irql';
import type { MDL } from './mdl';
import {
  NT_SUCCESS,
  type NTSTATUS,
  STATUS_CANCELLED,
  STATUS_INVALID_PARAMETER,
  STATUS_MORE_PROCESSING_REQUIRED,
  STATUS_PENDING,
  STATUS_SUCCESS,
} from './ntstatus';
import type { WskVerifier } from './wsk-verifier';

/** `ULONG_PTR`: a count of bytes, or (for the calls that create sockets) the new `WSK_SOCKET`. */
export type ULONG_PTR = number | object;

/** `IO_STATUS_BLOCK`: how a request ended. */
export interface IO_STATUS_BLOCK {
  /** The request's final NTSTATUS. */
  Status: NTSTATUS;
  /** Bytes transferred, or the object a request produced (`WskSocket`'s socket, `WskAccept`'s). */
  Information: ULONG_PTR;
}

/** `PIO_COMPLETION_ROUTINE`: runs when the IRP completes; returns `STATUS_MORE_PROCESSING_REQUIRED` for an IRP its caller allocated. */
export type PIO_COMPLETION_ROUTINE = (DeviceObject: null, Irp: IRP, Context: unknown) => NTSTATUS;

/** `PDRIVER_CANCEL`: the routine `IoCancelIrp` runs to withdraw a pending request. */
export type PDRIVER_CANCEL = (DeviceObject: null, Irp: IRP) => void;

type IrpState = 'free' | 'pending' | 'completed' | 'freed';

interface CompletionSlot {
  routine: PIO_COMPLETION_ROUTINE;
  context: unknown;
  onSuccess: boolean;
  onError: boolean;
  onCancel: boolean;
}

/** `IRP`: the fields a WSK client reads. Make one with `IoAllocateIrp`. */
export class IRP {
  /** How the request ended (valid once completed). */
  readonly IoStatus: IO_STATUS_BLOCK = { Status: STATUS_SUCCESS, Information: 0 };
  /** Set by `IoCancelIrp`. */
  Cancel = false;
  /** The request returned `STATUS_PENDING` before it completed. */
  PendingReturned = false;
  /** The MDL chain `IoAllocateMdl` attached, if any. */
  MdlAddress: MDL | null = null;
  /** @internal */
  state: IrpState = 'free';
  /** @internal */
  completion: CompletionSlot | null = null;
  /** @internal */
  cancelRoutine: PDRIVER_CANCEL | null = null;
  /** @internal The verifier of the WSK subsystem that last took this IRP. */
  owner: WskVerifier | null = null;
  /** @internal The WSK function that took it. */
  call = '';
}

/**
 * `IoAllocateIrp`: a new IRP. WSK needs at least one stack location; with `StackSize` below 1 the
 * allocation fails (null), as an IRP without a location for WSK is unusable.
 */
export function IoAllocateIrp(StackSize = 1, _ChargeQuota = false): IRP | null {
  if (!Number.isInteger(StackSize) || StackSize < 1) return null;
  return new IRP();
}

/** `IoFreeIrp`: the IRP may not be used again. */
export function IoFreeIrp(Irp: IRP): void {
  Irp.state = 'freed';
  Irp.completion = null;
  Irp.cancelRoutine = null;
}

/** `IoReuseIrp`: makes a completed IRP ready for another request, with `IoStatus.Status` set to `Status`. */
export function IoReuseIrp(Irp: IRP, Status: NTSTATUS): void {
  if (Irp.state === 'pending' || Irp.state === 'freed') {
    Irp.owner?.report(
      'irp-reused-while-pending',
      'IoReuseIrp',
      'IoReuseIrp on an IRP that is pending or freed',
    );
    return;
  }
  Irp.state = 'free';
  Irp.IoStatus.Status = Status;
  Irp.IoStatus.Information = 0;
  Irp.Cancel = false;
  Irp.PendingReturned = false;
  Irp.completion = null;
  Irp.cancelRoutine = null;
}

/**
 * `IoSetCompletionRoutine`: `CompletionRoutine` runs when the IRP completes with success, with an
 * error, or after cancellation, as the three flags say (a WSK client sets all three).
 */
export function IoSetCompletionRoutine(
  Irp: IRP,
  CompletionRoutine: PIO_COMPLETION_ROUTINE | null,
  Context: unknown,
  InvokeOnSuccess: boolean,
  InvokeOnError: boolean,
  InvokeOnCancel: boolean,
): void {
  Irp.completion = CompletionRoutine
    ? {
        routine: CompletionRoutine,
        context: Context,
        onSuccess: InvokeOnSuccess,
        onError: InvokeOnError,
        onCancel: InvokeOnCancel,
      }
    : null;
}

/** `IoSetCancelRoutine`: sets (or clears, with null) the routine that withdraws a pending request; returns the previous one. */
export function IoSetCancelRoutine(Irp: IRP, CancelRoutine: PDRIVER_CANCEL | null): PDRIVER_CANCEL | null {
  const previous = Irp.cancelRoutine;
  Irp.cancelRoutine = CancelRoutine;
  return previous;
}

/** `IoMarkIrpPending`. */
export function IoMarkIrpPending(Irp: IRP): void {
  Irp.PendingReturned = true;
}

/**
 * `IoCancelIrp`: marks the IRP cancelled and, when its request can still be withdrawn (a cancel
 * routine is set), withdraws it; the request then completes with `STATUS_CANCELLED`. Returns true
 * when a cancel routine ran.
 */
export function IoCancelIrp(Irp: IRP): boolean {
  if (!isGenuine(Irp, IRP)) return false;
  Irp.Cancel = true;
  const routine = Irp.cancelRoutine;
  Irp.cancelRoutine = null;
  if (!routine || Irp.state !== 'pending') return false;
  routine(null, Irp);
  return true;
}

/**
 * `IoCompleteRequest`: completes the IRP with the status already in `IoStatus`. Completing an IRP
 * that is not pending (twice, or while WSK still holds it and completes it later) is recorded by the
 * verifier of the WSK subsystem that took it.
 */
export function IoCompleteRequest(Irp: IRP, _PriorityBoost = 0): void {
  if (!isGenuine(Irp, IRP)) return;
  if (Irp.state === 'free') Irp.state = 'pending';
  completeIrp(Irp, Irp.IoStatus.Status, Irp.IoStatus.Information, 'IoCompleteRequest');
}

// ---- what WSK does with a caller's IRP (internal to the module) ----------------------------------

/**
 * WSK takes `Irp` for a request: 0 when it may, else the status to return without touching it (an
 * IRP that is not one of `IoAllocateIrp`'s — a look-alike, a proxy, a frozen IRP WSK could not
 * complete — is freed, or is still pending elsewhere).
 * @internal
 */
export function takeIrp(Irp: unknown, verifier: WskVerifier, call: string): NTSTATUS {
  if (!isGenuine(Irp, IRP)) return STATUS_INVALID_PARAMETER;
  if (Irp.state === 'freed') return STATUS_INVALID_PARAMETER;
  if (Irp.state === 'pending') {
    verifier.report(
      'irp-reused-while-pending',
      call,
      `the IRP is still pending in ${Irp.call || 'another request'}`,
    );
    return STATUS_INVALID_PARAMETER;
  }
  if (Irp.state === 'completed') {
    verifier.report('irp-not-reinitialized', call, 'a completed IRP was passed again without IoReuseIrp');
  }
  Irp.state = 'pending';
  Irp.owner = verifier;
  Irp.call = call;
  Irp.Cancel = false;
  Irp.PendingReturned = false;
  Irp.cancelRoutine = null;
  return 0;
}

/**
 * Marks a taken IRP pending and installs `cancel` (or none: the request can no longer be
 * withdrawn); returns `STATUS_PENDING`, what the WSK function returns.
 * @internal
 */
export function pendIrp(Irp: IRP, cancel: PDRIVER_CANCEL | null): NTSTATUS {
  Irp.PendingReturned = true;
  Irp.cancelRoutine = cancel;
  return STATUS_PENDING;
}

/**
 * Completes a taken IRP (at the current IRQL) and runs its completion routine, checking what the
 * routine does. Completing an IRP that is not pending is recorded as `irp-completed-twice` and
 * changes nothing.
 * @internal
 */
export function completeIrp(Irp: IRP, status: NTSTATUS, information: ULONG_PTR, call: string): void {
  const verifier = Irp.owner;
  if (Irp.state !== 'pending') {
    verifier?.report(
      'irp-completed-twice',
      call,
      `completing an IRP that is ${Irp.state === 'completed' ? 'already completed' : Irp.state}`,
    );
    return;
  }
  Irp.state = 'completed';
  Irp.cancelRoutine = null;
  Irp.IoStatus.Status = status;
  Irp.IoStatus.Information = information;
  const slot = Irp.completion;
  if (!slot) return;
  const invoke =
    (NT_SUCCESS(status) && slot.onSuccess) ||
    (!NT_SUCCESS(status) && slot.onError) ||
    (Irp.Cancel && slot.onCancel) ||
    (status === STATUS_CANCELLED && slot.onCancel);
  if (!invoke) return;
  let result: unknown;
  try {
    result = slot.routine(null, Irp, slot.context);
  } catch (error) {
    verifier?.report('callback-threw', 'IoCompletion', `the completion routine threw: ${String(error)}`);
    return;
  }
  if (isThenable(result)) {
    result.then(
      () => undefined,
      () => undefined,
    );
    if (KeGetCurrentIrql() >= DISPATCH_LEVEL) {
      verifier?.report(
        'dispatch-level-wait',
        'IoCompletion',
        'the completion routine returned a promise at DISPATCH_LEVEL',
      );
    } else {
      verifier?.report(
        'completion-routine-status',
        'IoCompletion',
        'the completion routine returned a promise, not STATUS_MORE_PROCESSING_REQUIRED',
      );
    }
    return;
  }
  if (result !== STATUS_MORE_PROCESSING_REQUIRED) {
    verifier?.report(
      'completion-routine-status',
      'IoCompletion',
      `the completion routine returned ${String(result)}, not STATUS_MORE_PROCESSING_REQUIRED`,
    );
  }
}

/** True for a promise-like value (what an `async` callback returns). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

// ---- the client's side of waiting --------------------------------------------------------------

/**
 * Sets a completion routine on `Irp` that settles the returned promise with the final
 * `IoStatus` (a copy); the routine returns `STATUS_MORE_PROCESSING_REQUIRED`. Call it before
 * handing the IRP to WSK. The TypeScript form of "completion routine sets a KEVENT, the caller
 * waits on it" — waiting is for `PASSIVE_LEVEL` code, never for a callback.
 */
export function irpCompletion(Irp: IRP): Promise<IO_STATUS_BLOCK> {
  return new Promise<IO_STATUS_BLOCK>((resolve) => {
    IoSetCompletionRoutine(
      Irp,
      (_device, irp) => {
        resolve({ Status: irp.IoStatus.Status, Information: irp.IoStatus.Information });
        return STATUS_MORE_PROCESSING_REQUIRED;
      },
      null,
      true,
      true,
      true,
    );
  });
}

/**
 * Runs one WSK request with a fresh IRP and resolves with its final `IoStatus`:
 * `await callWithIrp((irp) => dispatch.WskBind(socket, address, 0, irp))`. A call that returned
 * without completing the IRP (an IRP WSK refused) resolves with the returned status.
 */
export async function callWithIrp(start: (Irp: IRP) => NTSTATUS): Promise<IO_STATUS_BLOCK> {
  const irp = new IRP();
  const done = irpCompletion(irp);
  const status = start(irp);
  if (status !== STATUS_PENDING && irp.state !== 'completed') return { Status: status, Information: 0 };
  return done;
}
