// X.509 parsing and chain verification over OpenSSL, shaped like Go's
// crypto/x509 results (see x509.h). OpenSSL decodes the DER and the
// extensions; a small DER walker recovers the raw byte ranges Go exposes
// (RawTBSCertificate, RawSubject ...), which OpenSSL has no getters for.
// Chain verification trusts exactly the first certificate (partial chains
// allowed, as Go's root pool) and checks extended key usages the way Go's
// Certificate.Verify does, since OpenSSL's purpose checks differ from it.
//
// Tested by tests/crypto/x509_test.cc.
#include "crypto/x509.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/error_code.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "crypto/encoding.h"
#include "crypto/pem.h"
#include "openssl/asn1.h"
#include "openssl/bn.h"
#include "openssl/err.h"
#include "openssl/evp.h"
#include "openssl/objects.h"
#include "openssl/x509.h"
#include "openssl/x509_vfy.h"
#include "openssl/x509v3.h"

namespace verdict::crypto {
namespace {

absl::Status X509Error(std::string_view message) {
  ERR_clear_error();
  return MakeError(ErrorCode::kInvalidArgument, message);
}

// --- DER walking ------------------------------------------------------------

struct Tlv {
  unsigned char tag = 0;
  std::string_view whole;    // tag, length and content
  std::string_view content;
};

// Reads one definite-length TLV from the front of [*in].
bool ReadTlv(std::string_view* in, Tlv* out) {
  std::string_view s = *in;
  if (s.size() < 2) return false;
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  out->tag = byte(0);
  if ((out->tag & 0x1f) == 0x1f) return false;  // multi-byte tags never occur here
  size_t header = 2;
  size_t length = byte(1);
  if (length & 0x80) {
    size_t n = length & 0x7f;
    if (n == 0 || n > 4 || s.size() < 2 + n) return false;
    length = 0;
    for (size_t i = 0; i < n; ++i) length = (length << 8) | byte(2 + i);
    header += n;
  }
  if (s.size() - header < length) return false;
  out->whole = s.substr(0, header + length);
  out->content = s.substr(header, length);
  in->remove_prefix(header + length);
  return true;
}

struct RawCertParts {
  std::string_view tbs, issuer, subject, spki;
};

// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }
// TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber,
//   signature, issuer, validity, subject, subjectPublicKeyInfo, ... }
bool SplitCertificate(std::string_view der, RawCertParts* parts) {
  Tlv cert, tbs, field;
  if (!ReadTlv(&der, &cert)) return false;
  std::string_view body = cert.content;
  if (!ReadTlv(&body, &tbs)) return false;
  parts->tbs = tbs.whole;
  std::string_view t = tbs.content;
  if (!ReadTlv(&t, &field)) return false;
  if (field.tag == 0xa0 && !ReadTlv(&t, &field)) return false;  // version, then serial
  if (!ReadTlv(&t, &field)) return false;                        // signature algorithm
  if (!ReadTlv(&t, &field)) return false;
  parts->issuer = field.whole;
  if (!ReadTlv(&t, &field)) return false;                        // validity
  if (!ReadTlv(&t, &field)) return false;
  parts->subject = field.whole;
  if (!ReadTlv(&t, &field)) return false;
  parts->spki = field.whole;
  return true;
}

// CertificationRequest ::= SEQUENCE { certificationRequestInfo, alg, sig }
// CertificationRequestInfo ::= SEQUENCE { version, subject, subjectPKInfo,
//   [0] attributes }
bool SplitRequest(std::string_view der, RawCertParts* parts) {
  Tlv req, info, field;
  if (!ReadTlv(&der, &req)) return false;
  std::string_view body = req.content;
  if (!ReadTlv(&body, &info)) return false;
  parts->tbs = info.whole;
  std::string_view t = info.content;
  if (!ReadTlv(&t, &field)) return false;  // version
  if (!ReadTlv(&t, &field)) return false;
  parts->subject = field.whole;
  if (!ReadTlv(&t, &field)) return false;
  parts->spki = field.whole;
  return true;
}

// --- small conversions ---------------------------------------------------------

Oid OidOf(const ASN1_OBJECT* obj) {
  char buf[256];
  int len = OBJ_obj2txt(buf, sizeof buf, obj, /*no_name=*/1);
  Oid out;
  if (len <= 0 || static_cast<size_t>(len) >= sizeof buf) return out;
  for (absl::string_view arc : absl::StrSplit(absl::string_view(buf, len), '.')) {
    int64_t v = 0;
    for (char c : arc) {
      if (c < '0' || c > '9' || v > (INT64_MAX - 9) / 10) return Oid();
      v = v * 10 + (c - '0');
    }
    out.push_back(v);
  }
  return out;
}

std::string Utf8Of(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  int len = ASN1_STRING_to_UTF8(&out, s);
  if (len < 0) {
    ERR_clear_error();
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<size_t>(ASN1_STRING_length(s)));
  }
  std::string r(reinterpret_cast<const char*>(out), static_cast<size_t>(len));
  OPENSSL_free(out);
  return r;
}

std::string BytesOf(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

// Go's net.IP.String().
std::string IpString(std::string_view ip) {
  const auto* b = reinterpret_cast<const unsigned char*>(ip.data());
  if (ip.size() == 16) {
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(b, kMapped, 12) == 0) return IpString(ip.substr(12));
    char buf[INET6_ADDRSTRLEN];
    if (inet_ntop(AF_INET6, b, buf, sizeof buf) != nullptr) return buf;
  }
  if (ip.size() == 4) return absl::StrCat(b[0], ".", b[1], ".", b[2], ".", b[3]);
  return absl::StrCat("?", HexEncode(ip));
}

// url.Parse for the URIs of certificates: scheme, then either an authority
// and path or an opaque part, then query and fragment.
Uri ParseUri(std::string_view text) {
  Uri u;
  u.text = std::string(text);
  std::string_view rest = text;
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) {
    u.fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  size_t colon = rest.find(':');
  if (colon != std::string_view::npos && colon > 0 &&
      rest.substr(0, colon).find_first_of("/?") == std::string_view::npos) {
    u.scheme = std::string(rest.substr(0, colon));
    for (char& c : u.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    rest = rest.substr(colon + 1);
  }
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    u.raw_query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  if (!u.scheme.empty() && !absl::StartsWith(Absl(rest), "/")) {
    u.opaque = std::string(rest);
    return u;
  }
  if (absl::StartsWith(Absl(rest), "//")) {
    rest.remove_prefix(2);
    size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
      u.has_user = true;
      authority = authority.substr(at + 1);
    }
    u.host = std::string(authority);
  }
  u.path = std::string(rest);
  return u;
}

Name NameOf(const X509_NAME* name) {
  Name out;
  int n = X509_NAME_entry_count(name);
  for (int i = 0; i < n; ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    NameAttribute attr{OidOf(X509_NAME_ENTRY_get_object(e)),
                       Utf8Of(X509_NAME_ENTRY_get_data(e))};
    const Oid& t = attr.type;
    if (t.size() == 4 && t[0] == 2 && t[1] == 5 && t[2] == 4) {
      auto append = [&](std::optional<std::vector<std::string>>* field) {
        if (!field->has_value()) field->emplace();
        (*field)->push_back(attr.value);
      };
      switch (t[3]) {
        case 3: out.common_name = attr.value; break;
        case 5: out.serial_number = attr.value; break;
        case 6: append(&out.country); break;
        case 7: append(&out.locality); break;
        case 8: append(&out.province); break;
        case 9: append(&out.street_address); break;
        case 10: append(&out.organization); break;
        case 11: append(&out.organizational_unit); break;
        case 17: append(&out.postal_code); break;
        default: break;
      }
    }
    out.names.push_back(std::move(attr));
  }
  return out;
}

// Go's x509.SignatureAlgorithm for a signature NID (and, for RSA-PSS, the
// digest NID).
int GoSignatureAlgorithm(int nid, int pss_md_nid) {
  switch (nid) {
    case NID_md2WithRSAEncryption: return 1;
    case NID_md5WithRSAEncryption: return 2;
    case NID_sha1WithRSAEncryption: return 3;
    case NID_sha256WithRSAEncryption: return 4;
    case NID_sha384WithRSAEncryption: return 5;
    case NID_sha512WithRSAEncryption: return 6;
    case NID_dsaWithSHA1: return 7;
    case NID_dsa_with_SHA256: return 8;
    case NID_ecdsa_with_SHA1: return 9;
    case NID_ecdsa_with_SHA256: return 10;
    case NID_ecdsa_with_SHA384: return 11;
    case NID_ecdsa_with_SHA512: return 12;
    case NID_rsassaPss:
      return pss_md_nid == NID_sha384 ? 14 : pss_md_nid == NID_sha512 ? 15 : 13;
    case NID_ED25519: return 16;
    default: return 0;
  }
}

PublicKeyInfo PublicKeyOf(EVP_PKEY* borrowed) {
  PublicKeyInfo out;
  if (borrowed == nullptr) return out;
  switch (EVP_PKEY_get_base_id(borrowed)) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS: out.algorithm = 1; break;
    case EVP_PKEY_DSA: out.algorithm = 2; break;
    case EVP_PKEY_EC: out.algorithm = 3; break;
    case EVP_PKEY_ED25519: out.algorithm = 4; break;
    default: break;
  }
  if (EVP_PKEY_up_ref(borrowed) == 1) {
    absl::StatusOr<Key> key = Key::FromPkey(borrowed);
    if (key.ok()) out.key = *std::move(key);
  }
  ERR_clear_error();
  return out;
}

std::vector<Extension> ExtensionsOf(const STACK_OF(X509_EXTENSION) * exts) {
  std::vector<Extension> out;
  int n = sk_X509_EXTENSION_num(exts);
  for (int i = 0; i < n; ++i) {
    X509_EXTENSION* e = sk_X509_EXTENSION_value(exts, i);
    out.push_back(Extension{OidOf(X509_EXTENSION_get_object(e)),
                            X509_EXTENSION_get_critical(e) > 0,
                            BytesOf(X509_EXTENSION_get_data(e))});
  }
  return out;
}

struct AltNames {
  std::optional<std::vector<std::string>> dns, email, ip;
  std::optional<std::vector<Uri>> uris;
};

template <typename T>
void Append(std::optional<std::vector<T>>* field, T value) {
  if (!field->has_value()) field->emplace();
  (*field)->push_back(std::move(value));
}

AltNames AltNamesOf(const GENERAL_NAMES* names) {
  AltNames out;
  int n = sk_GENERAL_NAME_num(names);
  for (int i = 0; i < n; ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    switch (g->type) {
      case GEN_DNS: Append(&out.dns, BytesOf(g->d.dNSName)); break;
      case GEN_EMAIL: Append(&out.email, BytesOf(g->d.rfc822Name)); break;
      case GEN_IPADD: Append(&out.ip, IpString(BytesOf(g->d.iPAddress))); break;
      case GEN_URI: Append(&out.uris, ParseUri(BytesOf(g->d.uniformResourceIdentifier))); break;
      default: break;
    }
  }
  return out;
}

int64_t UnixOf(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

// Go's ExtKeyUsage for an EKU object.
std::optional<int> GoExtKeyUsage(const ASN1_OBJECT* obj) {
  switch (OBJ_obj2nid(obj)) {
    case NID_anyExtendedKeyUsage: return 0;
    case NID_server_auth: return 1;
    case NID_client_auth: return 2;
    case NID_code_sign: return 3;
    case NID_email_protect: return 4;
    case NID_ipsecEndSystem: return 5;
    case NID_ipsecTunnel: return 6;
    case NID_ipsecUser: return 7;
    case NID_time_stamp: return 8;
    case NID_OCSP_sign: return 9;
    case NID_ms_sgc: return 10;
    case NID_ns_sgc: return 11;
    case NID_ms_code_com: return 12;
    default: break;
  }
  if (OidOf(obj) == Oid{1, 3, 6, 1, 4, 1, 311, 61, 1, 1}) return 13;  // MS kernel code signing
  return std::nullopt;
}

// OpenSSL's KU_* bits -> Go's KeyUsage bits (which follow the ASN.1 bit
// numbering: digitalSignature is 1 << 0).
int GoKeyUsage(uint32_t ku) {
  static constexpr std::pair<uint32_t, int> kBits[] = {
      {KU_DIGITAL_SIGNATURE, 1 << 0}, {KU_NON_REPUDIATION, 1 << 1},
      {KU_KEY_ENCIPHERMENT, 1 << 2},  {KU_DATA_ENCIPHERMENT, 1 << 3},
      {KU_KEY_AGREEMENT, 1 << 4},     {KU_KEY_CERT_SIGN, 1 << 5},
      {KU_CRL_SIGN, 1 << 6},          {KU_ENCIPHER_ONLY, 1 << 7},
      {KU_DECIPHER_ONLY, 1 << 8},
  };
  int out = 0;
  for (const auto& [ossl, go] : kBits) {
    if (ku & ossl) out |= go;
  }
  return out;
}

// Extensions Go's parser understands; a critical one of any other kind
// lands in UnhandledCriticalExtensions.
bool GoHandlesExtension(const Oid& id) {
  if (id.size() == 4 && id[0] == 2 && id[1] == 5 && id[2] == 29) {
    switch (id[3]) {
      case 14: case 15: case 17: case 19: case 30: case 31: case 32: case 35: case 37:
        return true;
      default:
        return false;
    }
  }
  return id == Oid{1, 3, 6, 1, 5, 5, 7, 1, 1};  // authority info access
}

absl::StatusOr<Certificate> FromX509(X509* x, std::string_view der) {
  Certificate c;
  c.raw = std::string(der);
  RawCertParts parts;
  if (!SplitCertificate(der, &parts)) return X509Error("x509: malformed certificate");
  c.raw_tbs_certificate = std::string(parts.tbs);
  c.raw_issuer = std::string(parts.issuer);
  c.raw_subject = std::string(parts.subject);
  c.raw_subject_public_key_info = std::string(parts.spki);

  const ASN1_BIT_STRING* sig = nullptr;
  const X509_ALGOR* alg = nullptr;
  X509_get0_signature(&sig, &alg, x);
  if (sig != nullptr) c.signature = BytesOf(sig);
  int md_nid = 0;
  if (X509_get_signature_nid(x) == NID_rsassaPss) {
    int pk_nid = 0, bits = 0;
    uint32_t flags = 0;
    if (X509_get_signature_info(x, &md_nid, &pk_nid, &bits, &flags) != 1) md_nid = 0;
  }
  c.signature_algorithm = GoSignatureAlgorithm(X509_get_signature_nid(x), md_nid);
  c.public_key = PublicKeyOf(X509_get0_pubkey(x));
  c.version = static_cast<int>(X509_get_version(x)) + 1;

  BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr);
  if (serial != nullptr) {
    char* dec = BN_bn2dec(serial);
    if (dec != nullptr) {
      c.serial_number = dec;
      OPENSSL_free(dec);
    }
    BN_free(serial);
  }
  c.issuer = NameOf(X509_get_issuer_name(x));
  c.subject = NameOf(X509_get_subject_name(x));
  c.not_before = UnixOf(X509_get0_notBefore(x));
  c.not_after = UnixOf(X509_get0_notAfter(x));

  c.extensions = ExtensionsOf(X509_get0_extensions(x));
  for (const Extension& e : c.extensions) {
    if (e.critical && !GoHandlesExtension(e.id)) Append(&c.unhandled_critical_extensions, e.id);
  }
  uint32_t ku = X509_get_key_usage(x);  // UINT32_MAX: no extension
  if (ku != UINT32_MAX) c.key_usage = GoKeyUsage(ku);

  if (auto* eku = static_cast<EXTENDED_KEY_USAGE*>(
          X509_get_ext_d2i(x, NID_ext_key_usage, nullptr, nullptr))) {
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku); ++i) {
      const ASN1_OBJECT* obj = sk_ASN1_OBJECT_value(eku, i);
      if (std::optional<int> go = GoExtKeyUsage(obj)) {
        Append(&c.ext_key_usage, *go);
      } else {
        Append(&c.unknown_ext_key_usage, OidOf(obj));
      }
    }
    EXTENDED_KEY_USAGE_free(eku);
  }
  if (auto* bc = static_cast<BASIC_CONSTRAINTS*>(
          X509_get_ext_d2i(x, NID_basic_constraints, nullptr, nullptr))) {
    c.basic_constraints_valid = true;
    c.is_ca = bc->ca != 0;
    c.max_path_len = -1;
    if (bc->pathlen != nullptr) {
      long v = ASN1_INTEGER_get(bc->pathlen);
      c.max_path_len = v >= 0 && v <= INT32_MAX ? static_cast<int>(v) : -1;
    }
    c.max_path_len_zero = c.max_path_len == 0;
    BASIC_CONSTRAINTS_free(bc);
  }
  if (const ASN1_OCTET_STRING* skid = X509_get0_subject_key_id(x)) c.subject_key_id = BytesOf(skid);
  if (const ASN1_OCTET_STRING* akid = X509_get0_authority_key_id(x)) {
    c.authority_key_id = BytesOf(akid);
  }
  if (auto* aia = static_cast<AUTHORITY_INFO_ACCESS*>(
          X509_get_ext_d2i(x, NID_info_access, nullptr, nullptr))) {
    for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); ++i) {
      const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia, i);
      if (ad->location == nullptr || ad->location->type != GEN_URI) continue;
      std::string uri = BytesOf(ad->location->d.uniformResourceIdentifier);
      int nid = OBJ_obj2nid(ad->method);
      if (nid == NID_ad_OCSP) Append(&c.ocsp_server, std::move(uri));
      if (nid == NID_ad_ca_issuers) Append(&c.issuing_certificate_url, std::move(uri));
    }
    AUTHORITY_INFO_ACCESS_free(aia);
  }
  if (auto* san = static_cast<GENERAL_NAMES*>(
          X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr))) {
    AltNames alt = AltNamesOf(san);
    c.dns_names = std::move(alt.dns);
    c.email_addresses = std::move(alt.email);
    c.ip_addresses = std::move(alt.ip);
    c.uris = std::move(alt.uris);
    GENERAL_NAMES_free(san);
  }
  if (auto* crl = static_cast<CRL_DIST_POINTS*>(
          X509_get_ext_d2i(x, NID_crl_distribution_points, nullptr, nullptr))) {
    for (int i = 0; i < sk_DIST_POINT_num(crl); ++i) {
      const DIST_POINT* dp = sk_DIST_POINT_value(crl, i);
      if (dp->distpoint == nullptr || dp->distpoint->type != 0) continue;
      const GENERAL_NAMES* names = dp->distpoint->name.fullname;
      for (int j = 0; j < sk_GENERAL_NAME_num(names); ++j) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, j);
        if (g->type == GEN_URI) {
          Append(&c.crl_distribution_points, BytesOf(g->d.uniformResourceIdentifier));
        }
      }
    }
    CRL_DIST_POINTS_free(crl);
  }
  if (auto* policies = static_cast<CERTIFICATEPOLICIES*>(
          X509_get_ext_d2i(x, NID_certificate_policies, nullptr, nullptr))) {
    for (int i = 0; i < sk_POLICYINFO_num(policies); ++i) {
      Append(&c.policy_identifiers, OidOf(sk_POLICYINFO_value(policies, i)->policyid));
    }
    CERTIFICATEPOLICIES_free(policies);
  }
  ERR_clear_error();  // X509_get_ext_d2i leaves errors for absent extensions
  return c;
}

// Concatenated DER certificates (Go's x509.ParseCertificates).
absl::StatusOr<std::vector<Certificate>> ParseDerSequence(std::string_view der) {
  std::vector<Certificate> out;
  while (!der.empty()) {
    const auto* start = reinterpret_cast<const unsigned char*>(der.data());
    const unsigned char* p = start;
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    if (x == nullptr) return X509Error("x509: malformed certificate");
    std::shared_ptr<X509> handle(x, &X509_free);
    size_t used = static_cast<size_t>(p - start);
    VERDICT_ASSIGN_OR_RETURN(Certificate c, FromX509(x, der.substr(0, used)));
    c.handle = std::move(handle);
    out.push_back(std::move(c));
    der.remove_prefix(used);
  }
  return out;
}

absl::StatusOr<std::vector<Certificate>> ParsePemCertificates(std::string_view text) {
  std::string der;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::optional<PemBlock> block = DecodePem(rest, &rest);
    if (!block.has_value()) break;
    if (block->type != "CERTIFICATE") {
      return X509Error(
          absl::StrCat("PEM block type is '", block->type, "', expected CERTIFICATE"));
    }
    der += block->bytes;
  }
  return ParseDerSequence(der);
}

bool HasBeginPrefix(std::string_view s) { return absl::StartsWith(Absl(s), "-----BEGIN"); }

// Go's checkChainForKeyUsage: walking from the root, each certificate that
// restricts extended key usages crosses out the requested ones it lacks.
bool ChainAllowsUsages(const std::vector<Certificate>& chain, std::vector<int> usages) {
  size_t remaining = usages.size();
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const Certificate& c = *it;
    bool has_eku = c.ext_key_usage.has_value() || c.unknown_ext_key_usage.has_value();
    if (!has_eku) continue;
    bool any = false;
    if (c.ext_key_usage.has_value()) {
      for (int u : *c.ext_key_usage) any = any || u == 0;
    }
    if (any) continue;
    for (int& requested : usages) {
      if (requested < 0) continue;
      bool found = false;
      if (c.ext_key_usage.has_value()) {
        for (int u : *c.ext_key_usage) found = found || u == requested;
      }
      if (found) continue;
      requested = -1;
      if (--remaining == 0) return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<Certificate> ParseCertificateDer(std::string_view der) {
  VERDICT_ASSIGN_OR_RETURN(std::vector<Certificate> certs, ParseDerSequence(der));
  if (certs.size() != 1) return X509Error("x509: malformed certificate");
  return std::move(certs[0]);
}

absl::StatusOr<std::vector<Certificate>> ParseCertificates(std::string_view text) {
  if (HasBeginPrefix(text)) return ParsePemCertificates(text);
  VERDICT_ASSIGN_OR_RETURN(std::string decoded, Base64Decode(text));
  if (HasBeginPrefix(decoded)) return ParsePemCertificates(decoded);
  return ParseDerSequence(decoded);
}

absl::StatusOr<std::vector<Certificate>> VerifyCertificateChain(
    const std::vector<Certificate>& certs, const VerifyOptions& options) {
  if (certs.size() < 2) {
    return X509Error("must supply at least two certificates to be able to verify");
  }
  for (const Certificate& c : certs) {
    if (c.handle == nullptr) return X509Error("certificate was not parsed");
  }
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(),
                                                                &X509_STORE_free);
  std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> untrusted(
      sk_X509_new_null(), [](STACK_OF(X509)* s) { sk_X509_free(s); });
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                      &X509_STORE_CTX_free);
  if (store == nullptr || untrusted == nullptr || ctx == nullptr ||
      X509_STORE_add_cert(store.get(), certs.front().handle.get()) != 1) {
    return X509Error("cannot set up certificate verification");
  }
  for (size_t i = 1; i + 1 < certs.size(); ++i) {
    if (sk_X509_push(untrusted.get(), certs[i].handle.get()) <= 0) {
      return X509Error("cannot set up certificate verification");
    }
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), certs.back().handle.get(),
                          untrusted.get()) != 1) {
    return X509Error("cannot set up certificate verification");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  // Go trusts every certificate of its root pool, self-signed or not.
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (options.current_time.has_value()) {
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(*options.current_time));
  }
  if (!options.dns_name.empty() &&
      X509_VERIFY_PARAM_set1_host(param, options.dns_name.data(), options.dns_name.size()) != 1) {
    return X509Error("invalid DNS name");
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    return X509Error(absl::StrCat("x509: ", X509_verify_cert_error_string(err)));
  }
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  std::vector<Certificate> out;
  for (int i = 0; i < sk_X509_num(chain); ++i) {
    X509* x = sk_X509_value(chain, i);
    const Certificate* match = nullptr;
    for (const Certificate& c : certs) {
      if (c.handle.get() == x || X509_cmp(c.handle.get(), x) == 0) {
        match = &c;
        break;
      }
    }
    if (match == nullptr) return X509Error("verified chain holds an unknown certificate");
    out.push_back(*match);
  }
  std::vector<int> usages = options.key_usages;
  if (usages.empty()) usages.push_back(1);  // server auth, Go's default
  bool any = false;
  for (int u : usages) any = any || u == 0;
  if (!any && !ChainAllowsUsages(out, usages)) {
    return X509Error("x509: certificate specifies an incompatible key usage");
  }
  ERR_clear_error();
  return out;
}

absl::StatusOr<CertificateRequest> ParseCertificateRequest(std::string_view text) {
  std::string bytes(text);
  if (!absl::StartsWith(Absl(text), "-----BEGIN CERTIFICATE REQUEST-----")) {
    VERDICT_ASSIGN_OR_RETURN(bytes, Base64Decode(text));
  }
  std::string_view rest;
  std::optional<PemBlock> block = DecodePem(bytes, &rest);
  if (block.has_value()) {
    if (block->type != "CERTIFICATE REQUEST") {
      return X509Error("invalid PEM-encoded certificate signing request");
    }
    bytes = std::move(block->bytes);
  }
  const auto* start = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned char* p = start;
  std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)> req(
      d2i_X509_REQ(nullptr, &p, static_cast<long>(bytes.size())), &X509_REQ_free);
  RawCertParts parts;
  if (req == nullptr || !SplitRequest(bytes, &parts)) {
    return X509Error("asn1: structure error: malformed certificate request");
  }
  if (p != start + bytes.size()) {
    return X509Error("x509: trailing data after certificate request");
  }
  CertificateRequest r;
  r.raw = std::string(reinterpret_cast<const char*>(start), static_cast<size_t>(p - start));
  r.raw_tbs_certificate_request = std::string(parts.tbs);
  r.raw_subject = std::string(parts.subject);
  r.raw_subject_public_key_info = std::string(parts.spki);
  r.version = static_cast<int>(X509_REQ_get_version(req.get()));
  const ASN1_BIT_STRING* sig = nullptr;
  const X509_ALGOR* alg = nullptr;
  X509_REQ_get0_signature(req.get(), &sig, &alg);
  if (sig != nullptr) r.signature = BytesOf(sig);
  r.signature_algorithm = GoSignatureAlgorithm(X509_REQ_get_signature_nid(req.get()), 0);
  r.public_key = PublicKeyOf(X509_REQ_get0_pubkey(req.get()));
  r.subject = NameOf(X509_REQ_get_subject_name(req.get()));
  STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req.get());
  if (exts != nullptr) {
    r.extensions = ExtensionsOf(exts);
    for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i) {
      X509_EXTENSION* e = sk_X509_EXTENSION_value(exts, i);
      if (OBJ_obj2nid(X509_EXTENSION_get_object(e)) != NID_subject_alt_name) continue;
      if (auto* san = static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(e))) {
        AltNames alt = AltNamesOf(san);
        r.dns_names = std::move(alt.dns);
        r.email_addresses = std::move(alt.email);
        r.ip_addresses = std::move(alt.ip);
        r.uris = std::move(alt.uris);
        GENERAL_NAMES_free(san);
      }
    }
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  ERR_clear_error();
  return r;
}

absl::StatusOr<std::vector<Key>> ParsePrivateKeys(std::string_view text) {
  std::string data(text);
  if (absl::StatusOr<std::string> decoded = Base64Decode(text); decoded.ok()) {
    data = *std::move(decoded);
  }
  std::vector<Key> keys;
  std::string_view rest = data;
  while (!rest.empty()) {
    std::optional<PemBlock> block = DecodePem(rest, &rest);
    if (!block.has_value()) break;
    if (block->type != "RSA PRIVATE KEY" && block->type != "PRIVATE KEY" &&
        block->type != "EC PRIVATE KEY") {
      continue;
    }
    absl::StatusOr<Key> key = ParsePrivateKeyDer(block->type, block->bytes);
    if (!key.ok()) return X509Error(Std(key.status().message()));
    keys.push_back(*std::move(key));
  }
  return keys;
}

absl::StatusOr<KeyPair> ParseKeyPair(std::string_view cert_text, std::string_view key_text) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  std::string cert_data(cert_text);
  std::string key_data(key_text);
  if (!absl::StartsWith(Absl(cert_data), Absl(kBegin))) {
    VERDICT_ASSIGN_OR_RETURN(cert_data, Base64Decode(cert_text));
  }
  if (!absl::StartsWith(Absl(key_data), Absl(kBegin))) {
    VERDICT_ASSIGN_OR_RETURN(key_data, Base64Decode(key_text));
  }
  // DER input: wrap it as OPA does before handing it to tls.X509KeyPair.
  if (!absl::StartsWith(Absl(cert_data), Absl(kBegin))) {
    cert_data = EncodePem("CERTIFICATE", cert_data);
  }
  if (!absl::StartsWith(Absl(key_data), "-----BEGIN")) {
    key_data = EncodePem("PRIVATE KEY", key_data);
  }

  std::vector<std::string> ders;
  std::vector<std::string> skipped;
  std::string_view rest = cert_data;
  while (true) {
    std::optional<PemBlock> block = DecodePem(rest, &rest);
    if (!block.has_value()) break;
    if (block->type == "CERTIFICATE") {
      ders.push_back(std::move(block->bytes));
    } else {
      skipped.push_back(block->type);
    }
  }
  if (ders.empty()) {
    if (skipped.empty()) return X509Error("tls: failed to find any PEM data in certificate input");
    return X509Error(absl::StrCat(
        "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM "
        "blocks of the following types: [",
        absl::StrJoin(skipped, " "), "]"));
  }

  skipped.clear();
  std::optional<PemBlock> key_block;
  rest = key_data;
  while (true) {
    std::optional<PemBlock> block = DecodePem(rest, &rest);
    if (!block.has_value()) break;
    if (block->type == "PRIVATE KEY" || absl::EndsWith(block->type, " PRIVATE KEY")) {
      key_block = std::move(block);
      break;
    }
    skipped.push_back(block->type);
  }
  if (!key_block.has_value()) {
    if (skipped.empty()) return X509Error("tls: failed to find any PEM data in key input");
    if (skipped.size() == 1 && skipped[0] == "CERTIFICATE") {
      return X509Error("tls: found a certificate rather than a key in the PEM for the private key");
    }
    return X509Error(absl::StrCat(
        "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after "
        "skipping PEM blocks of the following types: [",
        absl::StrJoin(skipped, " "), "]"));
  }
  // Go tries PKCS#1, PKCS#8 and SEC1 whatever the block is labelled.
  std::optional<Key> key;
  for (std::string_view format : {"RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY"}) {
    absl::StatusOr<Key> k = ParsePrivateKeyDer(format, key_block->bytes);
    if (k.ok()) {
      key = *std::move(k);
      break;
    }
  }
  ERR_clear_error();
  if (!key.has_value()) return X509Error("tls: failed to parse private key");

  VERDICT_ASSIGN_OR_RETURN(Certificate leaf, ParseCertificateDer(ders.front()));
  EVP_PKEY* leaf_key = X509_get0_pubkey(leaf.handle.get());
  if (leaf_key == nullptr || EVP_PKEY_eq(leaf_key, key->pkey()) != 1) {
    ERR_clear_error();
    return X509Error("tls: private key does not match public key");
  }
  return KeyPair{std::move(ders), *std::move(key), std::move(leaf)};
}

std::string FormatRfc3339(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm {};
  if (gmtime_r(&t, &tm) == nullptr) return "";
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

}  // namespace verdict::crypto
