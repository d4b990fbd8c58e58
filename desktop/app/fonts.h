// The app's one font atlas: Noto Sans, the Simplified Chinese face of Noto Sans CJK and Noto
// Naskh Arabic (Debian's fonts-noto-core and fonts-noto-cjk) merged into one ImGui font, baked
// for exactly the characters the app may show (DOMAIN.md, i18n facts: ImGui 1.86 bakes a fixed
// set, the whole of Chinese needs a 4096² texture, and the "common" set misses everyday name
// characters). The set comes from the catalog and from the records (Session::CharactersInUse);
// the app rebuilds the atlas between frames when new characters arrive.
// Threading: the UI thread (an ImFontAtlas belongs to one ImGui context). GlyphSet is a plain
// value.
#pragma once

#include <imgui.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/result.h"

namespace dosti::desktop {

// The three font files, read once and kept for every rebuild.
struct FontFiles {
  std::string latin_path, cjk_path, arabic_path;
  int cjk_face = 2;                // NotoSansCJK-Regular.ttc: face 2 is Simplified Chinese (SC)
  std::string latin, cjk, arabic;  // the files' bytes
};

// Reads the fonts from Debian's places (/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf,
// /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc,
// /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf), or from the folder in
// $DOSTI_FONT_DIR when set. kNotFound naming the missing file and its Debian package.
Result<std::shared_ptr<const FontFiles>> LoadFonts();

// A set of characters to bake. Only the Basic Multilingual Plane: Debian's ImGui is built with
// 16-bit ImWchar, so it cannot draw a character past U+FFFF (it shows U+FFFD instead).
class GlyphSet {
 public:
  GlyphSet();
  void Add(char32_t c);
  void AddRange(char32_t first, char32_t last);
  void AddText(std::string_view utf8);
  void AddAll(std::u32string_view chars);
  bool Contains(char32_t c) const;
  // True when `utf8` has a character of the BMP that is not in the set.
  bool Lacks(std::string_view utf8) const;
  // Adds every character of `other`; true when one was new.
  bool Merge(const GlyphSet& other);
  std::size_t size() const { return count_; }
  // ImGui glyph ranges: pairs of first and last code point, then 0.
  std::vector<ImWchar> Ranges() const;

 private:
  std::vector<bool> bits_;
  std::size_t count_ = 0;
};

// What the app may show: fixed ranges (Latin with its accents, general punctuation and symbols,
// the whole Arabic block with its presentation forms, since joining makes forms that no stored
// text holds, CJK punctuation and full-width forms), every text of the catalog in every
// language, and `in_use` (the records' characters: Session::CharactersInUse).
GlyphSet AppGlyphs(std::u32string_view in_use);

// Builds `atlas` anew for `glyphs` at `size_px` pixels. Fonts[0] is the merged font every
// widget uses. With `mirrored`, each of its glyphs is baked mirrored, left for right, with its
// metrics mirrored in its advance (ui.h, "Right to left": the draw lists of a right-to-left
// layout are mirrored as a whole, which turns them back), and Fonts[1] is the same font upright,
// for the text fields (moved, not mirrored). `files` is read during the call only. kInternal when
// ImGui could not build it (a texture too large for the set).
Result<void> BuildAtlas(ImFontAtlas& atlas, const FontFiles& files, const GlyphSet& glyphs,
                        float size_px, bool mirrored);

// The characters of `drawn` (text as given to ImGui) that `font` has no glyph for, in order,
// line breaks and tabs aside; characters past U+FFFF always count.
std::u32string MissingGlyphs(const ImFont& font, std::string_view drawn);

}  // namespace dosti::desktop
