/**
 * `Promise.withResolvers` for Node 20.
 *
 * libp2p 2 reaches `it-queue` (through `@libp2p/peer-store`), which calls
 * `Promise.withResolvers()`; Node 20 does not have it (Node 22 does), and the
 * process crashes on the first peer-store write. Import this module before
 * anything that loads libp2p: ESM evaluates imports in order, so a bare
 * `import './polyfill.js'` at the top of a module is enough.
 *
 * The installed function follows ES2024 §27.2.4.8: it uses `this` as the
 * promise constructor (so subclasses get their own type) and throws a
 * TypeError when `this` is not a constructor. Where the runtime already has
 * it, nothing is changed.
 */

interface Resolvers<T> {
  promise: Promise<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

type Executor = (resolve: (value: unknown) => void, reject: (reason?: unknown) => void) => void

// A method definition, not a function expression: like the built-in, it is
// not itself a constructor.
const methods = {
  withResolvers<T>(this: unknown): Resolvers<T> {
    if (typeof this !== 'function') {
      throw new TypeError('Promise.withResolvers called on a non-constructor')
    }
    const C = this as new (executor: Executor) => Promise<T>
    let resolve: Resolvers<T>['resolve'] | undefined
    let reject: Resolvers<T>['reject'] | undefined
    const promise = new C((res, rej) => {
      // NewPromiseCapability: the executor may be called only once with functions.
      if (resolve !== undefined || reject !== undefined) {
        throw new TypeError('Promise executor has already been invoked')
      }
      resolve = res
      reject = rej
    })
    if (typeof resolve !== 'function' || typeof reject !== 'function') {
      throw new TypeError('Promise resolve or reject function is not callable')
    }
    return { promise, resolve, reject }
  },
}

/**
 * Install `withResolvers` on `target` (default: the global `Promise`) if it is
 * missing. Returns true if it installed it, false if one was already there.
 */
export function installPromiseWithResolvers(target: PromiseConstructor = Promise): boolean {
  if (typeof (target as unknown as { withResolvers?: unknown }).withResolvers === 'function') return false
  Object.defineProperty(target, 'withResolvers', {
    value: methods.withResolvers,
    writable: true,
    enumerable: false,
    configurable: true,
  })
  return true
}

installPromiseWithResolvers()
