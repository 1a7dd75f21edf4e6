// A test-only token issuer: keys made with OpenSSL at test time, their JWKS, and JWTs signed
// with them (RS256, PS256, ES256, EdDSA), so verification is tested against real signatures.
#pragma once

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "runtime/codec/base64.hpp"
#include "runtime/codec/json.hpp"

namespace mcprt::test {

class token_issuer {
 public:
  /// `alg`: RS256 or PS256 (an RSA key of `rsa_bits`), ES256 (P-256), EdDSA (Ed25519).
  explicit token_issuer(std::string alg, std::string kid, unsigned rsa_bits = 2048)
      : alg_(std::move(alg)), kid_(std::move(kid)) {
    EVP_PKEY* k = nullptr;
    if (alg_ == "RS256" || alg_ == "PS256") {
      k = EVP_RSA_gen(rsa_bits);
    } else if (alg_ == "ES256") {
      k = EVP_EC_gen("P-256");
    } else {
      k = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    }
    if (k == nullptr) {
      throw std::runtime_error("key generation failed");
    }
    key_.reset(k, EVP_PKEY_free);
  }

  /// The public key as one JWK object (JSON).
  std::string jwk() const {
    std::string out = R"({"kid":)" + quote(kid_) + R"(,"use":"sig")";
    if (alg_ == "RS256" || alg_ == "PS256") {
      out += R"(,"kty":"RSA","n":)" + quote(bn(OSSL_PKEY_PARAM_RSA_N, 0)) + R"(,"e":)" +
             quote(bn(OSSL_PKEY_PARAM_RSA_E, 0));
    } else if (alg_ == "ES256") {
      out += R"(,"kty":"EC","crv":"P-256","x":)" + quote(bn(OSSL_PKEY_PARAM_EC_PUB_X, 32)) +
             R"(,"y":)" + quote(bn(OSSL_PKEY_PARAM_EC_PUB_Y, 32));
    } else {
      unsigned char raw[32];
      size_t len = sizeof raw;
      EVP_PKEY_get_raw_public_key(key_.get(), raw, &len);
      out += R"(,"kty":"OKP","crv":"Ed25519","x":)" +
             quote(base64url_encode(std::string(reinterpret_cast<char*>(raw), len)));
    }
    return out + "}";
  }
  /// A key set holding this key (and `more`, JWK objects, after it).
  std::string jwks(const std::string& more = {}) const {
    return R"({"keys":[)" + jwk() + (more.empty() ? "" : "," + more) + "]}";
  }

  /// A token with `claims` (a JSON object's text) and this key's header; `header_alg`
  /// overrides the alg the header names (the signature stays this key's).
  std::string sign(const std::string& claims, const std::string& typ = "at+jwt",
                   const std::string& header_alg = {}) const {
    auto header = R"({"alg":)" + quote(header_alg.empty() ? alg_ : header_alg) + R"(,"kid":)" +
                  quote(kid_) + R"(,"typ":)" + quote(typ) + "}";
    auto signed_part = base64url_encode(header) + "." + base64url_encode(claims);
    return signed_part + "." + base64url_encode(signature(signed_part));
  }

  /// Any header and claims, with an empty or given signature (for forged tokens).
  static std::string unsigned_token(const std::string& header, const std::string& claims,
                                    const std::string& signature = {}) {
    return base64url_encode(header) + "." + base64url_encode(claims) + "." +
           base64url_encode(signature);
  }

  EVP_PKEY* key() const { return key_.get(); }

 private:
  std::string bn(const char* param, int pad) const {
    BIGNUM* v = nullptr;
    EVP_PKEY_get_bn_param(key_.get(), param, &v);
    std::string bytes(static_cast<size_t>(pad > 0 ? pad : BN_num_bytes(v)), '\0');
    BN_bn2binpad(v, reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    BN_free(v);
    return base64url_encode(bytes);
  }

  std::string signature(const std::string& data) const {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    bool eddsa = alg_ == "EdDSA";
    EVP_DigestSignInit(md, &pctx, eddsa ? nullptr : EVP_sha256(), nullptr, key_.get());
    if (alg_ == "PS256") {
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    size_t len = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    EVP_DigestSign(md, nullptr, &len, in, data.size());
    std::string sig(len, '\0');
    EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len, in, data.size());
    sig.resize(len);
    EVP_MD_CTX_free(md);
    if (alg_ != "ES256") {
      return sig;
    }
    // DER to JOSE's r||s.
    const auto* der = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(sig.size()));
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(es);
    return raw;
  }

  std::string alg_, kid_;
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace mcprt::test
