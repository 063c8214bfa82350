import { hashContent } from "../../packaging/content-hash";

describe("hashContent", () => {
  it('returns the SHA-256 of the content in hex and base64 (FIPS 180-2 test vector "abc")', () => {
    // Act
    const hash = hashContent(Buffer.from("abc"));
    // Assess
    expect(hash).toEqual({
      sha256Hex: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      sha256Base64: "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
    });
  });

  it("hashes empty content", () => {
    // Act
    const hash = hashContent(new Uint8Array());
    // Assess
    expect(hash).toEqual({
      sha256Hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      sha256Base64: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    });
  });
});
