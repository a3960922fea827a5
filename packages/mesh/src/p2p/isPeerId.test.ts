import { describe, expect, it } from 'vitest'
import { isPeerId } from './isPeerId.js'

describe('isPeerId', () => {
  it('accepts canonical peer ids and nothing else', () => {
    expect(isPeerId('12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo')).toBe(true)
    expect(isPeerId('QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N')).toBe(true)
    for (const bad of ['', 'node-001', 'ghost-0001', '12D3KooW', '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo ', 'x'.repeat(128)]) {
      expect(isPeerId(bad)).toBe(false)
    }
  })
})
