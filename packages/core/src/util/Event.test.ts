import { describe, expect, it } from 'vitest'
import { EventEmitter, noopDisposer, onceEvent } from './Event.js'

describe('EventEmitter', () => {
  it('calls listeners in order and stops calling a disposed one', () => {
    const e = new EventEmitter<number>()
    const seen: string[] = []
    const offA = e.event((n) => seen.push(`a${n}`))
    e.event((n) => seen.push(`b${n}`))
    expect(e.size).toBe(2)
    e.emit(1)
    offA()
    e.emit(2)
    expect(seen).toEqual(['a1', 'b1', 'b2'])
    expect(e.size).toBe(1)
  })

  it('is inactive without listeners, and a disposer works twice and as dispose()', () => {
    const e = new EventEmitter<void>()
    expect(e.active).toBe(false)
    const off = e.add(() => undefined)
    expect(e.active).toBe(true)
    off.dispose()
    off()
    expect(e.active).toBe(false)
    e.emit() // nobody listens: nothing happens
  })

  it('removes one subscription when the same function is subscribed twice', () => {
    const e = new EventEmitter<number>()
    let calls = 0
    const l = (): void => void calls++
    const off1 = e.add(l)
    e.add(l)
    e.emit(0)
    expect(calls).toBe(2)
    off1()
    off1()
    e.emit(0)
    expect(calls).toBe(3)
  })

  it('once: fires for the next emit only, and its disposer cancels it', () => {
    const e = new EventEmitter<string>()
    const got: string[] = []
    e.once((s) => got.push(s))
    const cancelled = e.once((s) => got.push(`never ${s}`))
    cancelled()
    e.emit('x')
    e.emit('y')
    expect(got).toEqual(['x'])
    expect(e.size).toBe(0)
  })

  it('keeps emitting to the listeners it started with when one unsubscribes another mid-emit', () => {
    const e = new EventEmitter<number>()
    const seen: string[] = []
    let offB = noopDisposer
    e.add(() => {
      seen.push('a')
      offB()
    })
    offB = e.add(() => seen.push('b'))
    e.emit(1)
    e.emit(2)
    expect(seen).toEqual(['a', 'b', 'a'])
  })

  it('a throwing listener does not stop the others; its error goes to onListenerError', () => {
    const errors: unknown[] = []
    const e = new EventEmitter<number>((err) => errors.push(err))
    const seen: number[] = []
    e.add(() => {
      throw new Error('listener bug')
    })
    e.add((n) => seen.push(n))
    e.emit(7)
    expect(seen).toEqual([7])
    expect(errors).toHaveLength(1)
    expect((errors[0] as Error).message).toBe('listener bug')
  })

  it('rejects a listener that is not a function', () => {
    const e = new EventEmitter<number>()
    expect(() => e.add(42 as unknown as () => void)).toThrow(TypeError)
  })

  it('onceEvent works on any Event function', () => {
    const e = new EventEmitter<number>()
    const got: number[] = []
    onceEvent(e.event, (n) => got.push(n))
    e.emit(1)
    e.emit(2)
    expect(got).toEqual([1])
    expect(e.size).toBe(0)
  })

  it('clear() drops every subscription', () => {
    const e = new EventEmitter<number>()
    let calls = 0
    e.add(() => void calls++)
    e.clear()
    e.emit(1)
    expect(calls).toBe(0)
  })
})
