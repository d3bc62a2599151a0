// What an uploaded file is, told by its bytes (magic numbers), never by its name or the type a
// client claims: the pictures of image_type.h, a few common document, archive and media
// formats, UTF-8 text, else application/octet-stream; and whether a claimed type matches.
// Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace mqchat::api {

// The content type of `data` (the whole file: text is told by scanning all of it).
std::string SniffContentType(std::string_view data);

// A claimed type in its canonical lower-case form ("image/jpg" is "image/jpeg"; parameters
// such as "; charset=utf-8" dropped); "" stays "".
std::string NormalizeContentType(std::string_view claimed);

// Whether a file the client declared as `claimed` (normalized) may be `sniffed`: a claim of a
// type this module recognizes (or any image/*) must be the content's type; a text/* claim needs
// text; any other claim (none, application/octet-stream, ...) leaves it to the content.
bool ClaimMatches(std::string_view claimed, std::string_view sniffed);

}  // namespace mqchat::api
