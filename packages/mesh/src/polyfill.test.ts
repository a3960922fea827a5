import { describe, it, expect } from 'vitest'
import { installPromiseWithResolvers } from './polyfill.js'

type WithResolvers = <T>() => {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (reason?: unknown) => void
}

function withResolversOf(target: unknown): WithResolvers {
  return (target as { withResolvers: WithResolvers }).withResolvers
}

function callOn(ctor: unknown): ReturnType<WithResolvers> {
  return Reflect.apply(withResolversOf(ctor), ctor, []) as ReturnType<WithResolvers>
}

describe('Promise.withResolvers polyfill', () => {
  it('is present on the global Promise after import', () => {
    expect(typeof withResolversOf(Promise)).toBe('function')
  })

  it('resolves and rejects the promise it returns', async () => {
    const a = callOn(Promise)
    a.resolve(42)
    await expect(a.promise).resolves.toBe(42)
    const b = callOn(Promise)
    b.reject(new Error('boom'))
    await expect(b.promise).rejects.toThrow('boom')
  })

  it('installs on a constructor that lacks it, using that constructor', async () => {
    class MyPromise<T> extends Promise<T> {}
    // Shadow any inherited withResolvers so the install path runs.
    Object.defineProperty(MyPromise, 'withResolvers', { value: undefined, configurable: true, writable: true })
    expect(installPromiseWithResolvers(MyPromise as unknown as PromiseConstructor)).toBe(true)
    const r = callOn(MyPromise)
    expect(r.promise).toBeInstanceOf(MyPromise)
    r.resolve('ok')
    await expect(r.promise).resolves.toBe('ok')
    const desc = Object.getOwnPropertyDescriptor(MyPromise, 'withResolvers')
    expect(desc).toMatchObject({ writable: true, enumerable: false, configurable: true })
  })

  it('is a no-op where withResolvers already exists', () => {
    const existing = (): string => 'native'
    const fake = { withResolvers: existing } as unknown as PromiseConstructor
    expect(installPromiseWithResolvers(fake)).toBe(false)
    expect((fake as unknown as { withResolvers: unknown }).withResolvers).toBe(existing)
  })

  it('throws a TypeError when called on a non-constructor, and is not itself a constructor', () => {
    const fn = withResolversOf(Promise)
    expect(() => Reflect.apply(fn, {}, [])).toThrow(TypeError)
    expect(() => new (fn as unknown as new () => unknown)()).toThrow(TypeError)
  })
})
