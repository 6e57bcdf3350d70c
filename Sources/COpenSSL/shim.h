#ifndef TRADING_SIGNALS_COPENSSL_SHIM_H
#define TRADING_SIGNALS_COPENSSL_SHIM_H
// Only libcrypto is needed: hashing, HMAC and RSA signing. TLS is libcurl's business.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#endif
