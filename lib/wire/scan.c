/* Byte classes and UTF-8 checking for the wire parsers. */
#include "scan.h"

#define T (SCAN_TOKEN | SCAN_WORD)
#define TA (SCAN_TOKEN | SCAN_WORD | SCAN_ALNUM)
#define TD (SCAN_TOKEN | SCAN_WORD | SCAN_ALNUM | SCAN_DIGIT | SCAN_HEX)
#define TH (SCAN_TOKEN | SCAN_WORD | SCAN_ALNUM | SCAN_HEX)
#define W SCAN_WORD
#define C SCAN_CTL
#define WS (SCAN_WS | SCAN_CTL)

/* RFC 3261 25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" /
 * "+" / "`" / "'" / "~"); word adds "(" ")" "<" ">" ":" "\" DQUOTE "/" "["
 * "]" "?" "{" "}". HTAB is both whitespace and a control. */
const unsigned char sipcode__byte_class[256] = {
    /* 0x00 */ C, C, C, C, C, C, C, C, C, WS, C, C, C, C, C, C,
    /* 0x10 */ C, C, C, C, C, C, C, C, C, C,  C, C, C, C, C, C,
    /* 0x20 SP ! " # $ % & ' ( ) * + , - . / */
    SCAN_WS, T, W, 0, 0, T, 0, T, W, W, T, T, 0, T, T, W,
    /* 0x30 0-9 : ; < = > ? */
    TD, TD, TD, TD, TD, TD, TD, TD, TD, TD, W, 0, W, 0, W, W,
    /* 0x40 @ A-O */
    0, TH, TH, TH, TH, TH, TH, TA, TA, TA, TA, TA, TA, TA, TA, TA,
    /* 0x50 P-Z [ \ ] ^ _ */
    TA, TA, TA, TA, TA, TA, TA, TA, TA, TA, TA, W, W, W, 0, T,
    /* 0x60 ` a-o */
    T, TH, TH, TH, TH, TH, TH, TA, TA, TA, TA, TA, TA, TA, TA, TA,
    /* 0x70 p-z { | } ~ DEL */
    TA, TA, TA, TA, TA, TA, TA, TA, TA, TA, TA, W, 0, W, T, C,
    /* 0x80-0xff: UTF-8 bytes, classified by sipcode__utf8_sequence */
};

size_t sipcode__utf8_sequence(const unsigned char *p, size_t avail, int *short_input)
{
    unsigned c = p[0];
    size_t need, i;
    unsigned lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    *short_input = 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        need = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        need = 3;
        if (c == 0xe0)
            lo = 0xa0; /* no overlongs */
        else if (c == 0xed)
            hi = 0x9f; /* no UTF-16 surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f; /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    for (i = 1; i < need; i++) {
        unsigned b;
        if (i >= avail) {
            *short_input = 1;
            return 0;
        }
        b = p[i];
        if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf))
            return 0;
    }
    return need;
}

int sipcode__equal_nocase(const char *a, size_t alen, const char *b)
{
    size_t i;
    for (i = 0; i < alen; i++) {
        int x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (y == 0)
            return 0;
        if (x >= 'A' && x <= 'Z')
            x += 'a' - 'A';
        if (y >= 'A' && y <= 'Z')
            y += 'a' - 'A';
        if (x != y)
            return 0;
    }
    return b[alen] == '\0';
}

size_t sipcode__put_decimal(char *dst, unsigned long long v)
{
    char tmp[SIPCODE__DECIMAL_MAX];
    size_t n = 0, i;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (i = 0; i < n; i++)
        dst[i] = tmp[n - 1 - i];
    return n;
}
