/** Shortest admin token accepted: guessing must be out of reach. */
export const MIN_ADMIN_TOKEN_LENGTH = 16
/** Longest admin token accepted (it travels in a header). */
export const MAX_ADMIN_TOKEN_LENGTH = 4096

/**
 * An admin token is 16..4096 visible ASCII characters, no spaces (it travels
 * as `Authorization: Bearer <token>`). Throws a RangeError naming `field`.
 */
export function checkAdminToken(token: unknown, field: string): asserts token is string {
  if (
    typeof token !== 'string' ||
    !/^[\x21-\x7e]+$/.test(token) ||
    token.length < MIN_ADMIN_TOKEN_LENGTH ||
    token.length > MAX_ADMIN_TOKEN_LENGTH
  ) {
    const what = typeof token !== 'string' ? typeof token : /^[\x21-\x7e]*$/.test(token) ? `${token.length} characters` : 'spaces or non-ASCII characters'
    throw new RangeError(
      `${field} must be ${MIN_ADMIN_TOKEN_LENGTH}..${MAX_ADMIN_TOKEN_LENGTH} visible ASCII characters without spaces, got ${what} ` +
        '(make one with `openssl rand -hex 32`)',
    )
  }
}
