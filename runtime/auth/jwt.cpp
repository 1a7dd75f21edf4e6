// JWS compact serialization, signature check with OpenSSL 3 EVP, then the claims.
#include "runtime/auth/jwt.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cmath>

#include "runtime/auth/token_claims.hpp"
#include "runtime/codec/ascii.hpp"
#include "runtime/codec/base64.hpp"
#include "runtime/codec/json.hpp"
#include "runtime/codec/json_parse.hpp"

namespace mcprt {
inline namespace auth {

namespace {

constexpr size_t max_token_bytes = size_t{16} * 1024;

enum class algorithm { rs256, ps256, es256, eddsa };

token_error fault(token_fault f, std::string detail) {
  return {f, std::move(detail)};
}

std::optional<algorithm> allowed(std::string_view alg) {
  if (alg == "RS256") {
    return algorithm::rs256;
  }
  if (alg == "PS256") {
    return algorithm::ps256;
  }
  if (alg == "ES256") {
    return algorithm::es256;
  }
  if (alg == "EdDSA") {
    return algorithm::eddsa;
  }
  return std::nullopt;
}

bool fits(algorithm alg, key_family family) {
  switch (alg) {
    case algorithm::rs256:
    case algorithm::ps256:
      return family == key_family::rsa;
    case algorithm::es256:
      return family == key_family::ec_p256;
    case algorithm::eddsa:
      return family == key_family::ed25519;
  }
  return false;
}

// JOSE's ES256 signature is r||s (32 bytes each); OpenSSL verifies DER.
std::optional<std::string> ecdsa_der(std::string_view raw) {
  if (raw.size() != 64) {
    return std::nullopt;
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(bytes, 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + 32, 32, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int size = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);  // Owns r and s now.
  if (size <= 0) {
    return std::nullopt;
  }
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(size));
  OPENSSL_free(der);
  return out;
}

bool signature_holds(algorithm alg, EVP_PKEY* key, std::string_view signed_part,
                     std::string_view signature) {
  std::string der;
  if (alg == algorithm::es256) {
    auto converted = ecdsa_der(signature);
    if (!converted) {
      return false;
    }
    der = std::move(*converted);
    signature = der;
  }
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = md != nullptr &&
            EVP_DigestVerifyInit(md, &pctx, alg == algorithm::eddsa ? nullptr : EVP_sha256(),
                                 nullptr, key) == 1;
  if (ok && alg == algorithm::ps256) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
  }
  ok = ok && EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(signature.data()),
                              signature.size(),
                              reinterpret_cast<const unsigned char*>(signed_part.data()),
                              signed_part.size()) == 1;
  EVP_MD_CTX_free(md);
  return ok;
}

std::optional<rapidjson::Document> json_object(std::string_view base64url) {
  auto text = base64url_decode(base64url);
  if (!text) {
    return std::nullopt;
  }
  rapidjson::Document doc;
  if (parse_json(doc, *text) || !doc.IsObject()) {
    return std::nullopt;
  }
  return doc;
}

bool type_matches(std::string_view typ, const std::string& expected) {
  constexpr std::string_view media = "application/";
  return iequals(typ, expected) ||
         (typ.size() > media.size() && iequals(typ.substr(0, media.size()), media) &&
          iequals(typ.substr(media.size()), expected));
}

}  // namespace

std::string_view to_string(token_fault f) {
  switch (f) {
    case token_fault::malformed:
      return "malformed";
    case token_fault::algorithm:
      return "algorithm";
    case token_fault::type:
      return "type";
    case token_fault::unknown_key:
      return "unknown_key";
    case token_fault::key_mismatch:
      return "key_mismatch";
    case token_fault::signature:
      return "signature";
    case token_fault::issuer:
      return "issuer";
    case token_fault::audience:
      return "audience";
    case token_fault::expired:
      return "expired";
    case token_fault::not_yet_valid:
      return "not_yet_valid";
    case token_fault::inactive:
      return "inactive";
  }
  return "malformed";
}

expected<verified_token, token_error> verify_jwt(std::string_view token, const jwk_set& keys,
                                                 const token_expectations& expect, int64_t now) {
  if (token.size() > max_token_bytes) {
    return fault(token_fault::malformed, "token larger than 16 KiB");
  }
  auto first = token.find('.');
  auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return fault(token_fault::malformed, "not three dot-separated parts");
  }
  auto header = json_object(token.substr(0, first));
  auto claims = json_object(token.substr(first + 1, second - first - 1));
  auto signature = base64url_decode(token.substr(second + 1));
  if (!header || !claims || !signature) {
    return fault(token_fault::malformed, "a part is not base64url JSON");
  }

  auto alg_name = string_member(*header, "alg").value_or("");
  auto alg = allowed(alg_name);
  if (!alg) {
    return fault(token_fault::algorithm, "alg '" + std::string(alg_name) + "' is not allowed");
  }
  if (!expect.type.empty()) {
    auto typ = string_member(*header, "typ").value_or("");
    if (!type_matches(typ, expect.type)) {
      return fault(token_fault::type, "typ '" + std::string(typ) + "', not " + expect.type);
    }
  }
  auto kid = string_member(*header, "kid").value_or("");
  const auto* key = keys.find(kid);
  if (key == nullptr) {
    return fault(token_fault::unknown_key, "no key with kid '" + std::string(kid) + "'");
  }
  if (!fits(*alg, key->family) || (!key->alg.empty() && key->alg != alg_name)) {
    return fault(token_fault::key_mismatch,
                 "key '" + key->kid + "' does not fit alg " + std::string(alg_name));
  }
  if (!signature_holds(*alg, key->key.get(), token.substr(0, second), *signature)) {
    return fault(token_fault::signature, "signature does not verify with key '" + key->kid + "'");
  }

  auto out = read_token_claims(*claims, expect, now, issuer_claim::required);
  if (out) {
    out->key_id = key->kid;
  }
  return out;
}

}  // namespace auth
}  // namespace mcprt
