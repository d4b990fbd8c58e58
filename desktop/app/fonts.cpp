#include "fonts.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/catalog.h"
#include "dosti/file.h"
#include "dosti/text.h"

namespace dosti::desktop {
namespace {

constexpr char32_t kBmpEnd = 0x10000;

struct FontPlace {
  std::string_view debian_dir, file, package;
};
constexpr FontPlace kLatin{"/usr/share/fonts/truetype/noto", "NotoSans-Regular.ttf",
                           "fonts-noto-core"};
constexpr FontPlace kCjk{"/usr/share/fonts/opentype/noto", "NotoSansCJK-Regular.ttc",
                         "fonts-noto-cjk"};
// Naskh, not Nastaliq: NotoNastaliqUrdu maps no presentation forms and cannot be drawn without
// a real shaper (DOMAIN.md, i18n facts).
constexpr FontPlace kArabic{"/usr/share/fonts/truetype/noto", "NotoNaskhArabic-Regular.ttf",
                            "fonts-noto-core"};

Result<void> Load(const FontPlace& place, std::string& path, std::string& bytes) {
  const char* dir = std::getenv("DOSTI_FONT_DIR");
  path = std::string(dir && *dir ? std::string_view(dir) : place.debian_dir) + "/" +
         std::string(place.file);
  auto read = ReadFile(path, std::size_t{64} << 20);
  if (!read) {
    return MakeError(ErrorCode::kNotFound, "desktop.font.missing",
                     {{"path", path}, {"package", std::string(place.package)}});
  }
  bytes = std::move(*read);
  return {};
}

}  // namespace

Result<std::shared_ptr<const FontFiles>> LoadFonts() {
  auto files = std::make_shared<FontFiles>();
  DOSTI_TRY(Load(kLatin, files->latin_path, files->latin));
  DOSTI_TRY(Load(kCjk, files->cjk_path, files->cjk));
  DOSTI_TRY(Load(kArabic, files->arabic_path, files->arabic));
  return std::shared_ptr<const FontFiles>(std::move(files));
}

GlyphSet::GlyphSet() : bits_(kBmpEnd, false) {}

void GlyphSet::Add(char32_t c) {
  if (c >= kBmpEnd || bits_[c]) return;
  bits_[c] = true;
  ++count_;
}

void GlyphSet::AddRange(char32_t first, char32_t last) {
  for (char32_t c = first; c <= last && c < kBmpEnd; ++c) Add(c);
}

void GlyphSet::AddText(std::string_view utf8) {
  // ASCII is always in the set (AppGlyphs); skip the decoding for it.
  bool ascii = true;
  for (unsigned char b : utf8) {
    if (b >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    for (unsigned char b : utf8) Add(b);
    return;
  }
  AddAll(text::ToCodePoints(utf8));
}

void GlyphSet::AddAll(std::u32string_view chars) {
  for (char32_t c : chars) Add(c);
}

bool GlyphSet::Contains(char32_t c) const { return c < kBmpEnd && bits_[c]; }

bool GlyphSet::Lacks(std::string_view utf8) const {
  for (unsigned char b : utf8) {
    if (b >= 0x80) {
      for (char32_t c : text::ToCodePoints(utf8)) {
        if (c < kBmpEnd && !bits_[c]) return true;
      }
      return false;
    }
  }
  return false;  // ASCII: always there
}

bool GlyphSet::Merge(const GlyphSet& other) {
  std::size_t before = count_;
  for (char32_t c = 0; c < kBmpEnd; ++c) {
    if (other.bits_[c]) Add(c);
  }
  return count_ != before;
}

std::vector<ImWchar> GlyphSet::Ranges() const {
  std::vector<ImWchar> out;
  for (char32_t c = 1; c < kBmpEnd; ++c) {
    if (!bits_[c]) continue;
    char32_t last = c;
    while (last + 1 < kBmpEnd && bits_[last + 1]) ++last;
    out.push_back(static_cast<ImWchar>(c));
    out.push_back(static_cast<ImWchar>(last));
    c = last;
  }
  out.push_back(0);
  return out;
}

GlyphSet AppGlyphs(std::u32string_view in_use) {
  GlyphSet set;
  set.AddRange(0x0020, 0x024F);  // Basic Latin, Latin-1, Latin Extended-A and -B
  set.AddRange(0x2000, 0x206F);  // general punctuation (… – — “ ” ‹ ›)
  set.AddRange(0x20A0, 0x20BF);  // currency signs (¥ is Latin-1; ₨ rupee, € ...)
  set.AddRange(0x2190, 0x21FF);  // arrows
  set.AddRange(0x25A0, 0x25FF);  // geometric shapes (▲ ▼ ● ○)
  set.AddRange(0x2713, 0x2717);  // check marks
  set.AddRange(0x0600, 0x06FF);  // Arabic, with the Urdu letters
  set.AddRange(0xFB50, 0xFBFF);  // Arabic presentation forms A (ٹ ڈ ڑ ک گ ں ہ ھ ی ے joined)
  set.AddRange(0xFE70, 0xFEFF);  // Arabic presentation forms B (and lam-alef ligatures)
  set.AddRange(0x3000, 0x303F);  // CJK symbols and punctuation (、。「」)
  set.AddRange(0xFF00, 0xFFEF);  // full-width forms (，：（）)
  set.Add(0xFFFD);               // the replacement character
  for (std::string_view key : CatalogKeys()) {
    for (std::string_view lang : kLanguages) set.AddText(Template(key, lang));
  }
  set.AddAll(in_use);
  return set;
}

namespace {

// Turns every glyph of `font` left for right: its pixels in the atlas and its ink box within
// its advance, so that mirroring the geometry as a whole draws it upright again.
void MirrorGlyphs(ImFontAtlas& atlas, ImFont& font) {
  const int w = atlas.TexWidth;
  unsigned char* pixels = atlas.TexPixelsAlpha8;
  for (ImFontGlyph& g : font.Glyphs) {
    int x0 = static_cast<int>(g.U0 * w + 0.5f), x1 = static_cast<int>(g.U1 * w + 0.5f);
    int y0 = static_cast<int>(g.V0 * atlas.TexHeight + 0.5f);
    int y1 = static_cast<int>(g.V1 * atlas.TexHeight + 0.5f);
    for (int y = y0; y < y1; ++y) {
      unsigned char* row = pixels + static_cast<std::size_t>(y) * w;
      std::reverse(row + x0, row + x1);
    }
    float mx0 = g.AdvanceX - g.X1, mx1 = g.AdvanceX - g.X0;
    g.X0 = mx0;
    g.X1 = mx1;
  }
}

// Adds the three faces merged into one font; the ranges must outlive the build.
void AddMergedFont(ImFontAtlas& atlas, const FontFiles& files, const ImWchar* ranges,
                   float size_px) {
  ImFontConfig cfg;
  cfg.FontDataOwnedByAtlas = false;  // the bytes stay in FontFiles for the next rebuild
  cfg.OversampleH = 2;
  cfg.OversampleV = 1;
  auto data = [](const std::string& bytes) { return const_cast<char*>(bytes.data()); };
  atlas.AddFontFromMemoryTTF(data(files.latin), static_cast<int>(files.latin.size()), size_px, &cfg,
                             ranges);
  cfg.MergeMode = true;
  // Thousands of CJK glyphs: no horizontal oversampling keeps the texture at 2048² or less
  // (ImGui's docs/FONTS.md advises it for CJK).
  cfg.OversampleH = 1;
  cfg.FontNo = files.cjk_face;
  atlas.AddFontFromMemoryTTF(data(files.cjk), static_cast<int>(files.cjk.size()), size_px, &cfg,
                             ranges);
  cfg.FontNo = 0;
  cfg.OversampleH = 2;
  // At one pixel size Naskh's letters come out much smaller than Noto Sans's (ImGui scales a
  // face's whole height, ascent to descent, and Naskh's is tall for its marks): larger, they
  // read alike. ImGui puts merged glyphs on the first face's baseline.
  atlas.AddFontFromMemoryTTF(data(files.arabic), static_cast<int>(files.arabic.size()),
                             size_px * 1.4f, &cfg, ranges);
}

}  // namespace

Result<void> BuildAtlas(ImFontAtlas& atlas, const FontFiles& files, const GlyphSet& glyphs,
                        float size_px, bool mirrored) {
  // ImGui keeps a pointer to the ranges in its input data, which is dropped once built.
  std::vector<ImWchar> ranges = glyphs.Ranges();
  atlas.Clear();
  atlas.Flags |= ImFontAtlasFlags_NoBakedLines | ImFontAtlasFlags_NoMouseCursors;
  AddMergedFont(atlas, files, ranges.data(), size_px);
  if (mirrored) AddMergedFont(atlas, files, ranges.data(), size_px);
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  atlas.GetTexDataAsAlpha8(&pixels, &width, &height);
  if (pixels == nullptr || atlas.Fonts.Size == 0 || !atlas.Fonts[0]->IsLoaded()) {
    return MakeError(ErrorCode::kInternal, "desktop.font.atlas_failed",
                     {{"glyphs", std::to_string(glyphs.size())}});
  }
  if (mirrored) MirrorGlyphs(atlas, *atlas.Fonts[0]);
  atlas.ClearInputData();  // the ranges and the fonts' settings; the font files stay ours
  return {};
}

std::u32string MissingGlyphs(const ImFont& font, std::string_view drawn) {
  std::u32string missing;
  for (char32_t c : text::ToCodePoints(drawn)) {
    if (c == U'\n' || c == U'\r' || c == U'\t') continue;
    if (c >= kBmpEnd || font.FindGlyphNoFallback(static_cast<ImWchar>(c)) == nullptr) {
      missing.push_back(c);
    }
  }
  return missing;
}

}  // namespace dosti::desktop
