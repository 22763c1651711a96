#include "keyspace/notify_classes.h"

namespace rcs::notify {

bool ParseClasses(std::string_view text, int* flags) {
  int f = 0;
  for (char c : text) {
    switch (c) {
      case 'A': f |= kAll; break;
      case 'g': f |= kGeneric; break;
      case '$': f |= kString; break;
      case 'l': f |= kList; break;
      case 's': f |= kSet; break;
      case 'h': f |= kHash; break;
      case 'z': f |= kZset; break;
      case 'x': f |= kExpired; break;
      case 'e': f |= kEvicted; break;
      case 'K': f |= kKeyspace; break;
      case 'E': f |= kKeyevent; break;
      case 't': f |= kStream; break;
      case 'm': f |= kKeyMiss; break;
      case 'd': f |= kModule; break;
      case 'n': f |= kNew; break;
      default: return false;
    }
  }
  *flags = f;
  return true;
}

std::string ClassesToString(int flags) {
  std::string s;
  if ((flags & kAll) == kAll) {
    s += 'A';
  } else {
    if (flags & kGeneric) s += 'g';
    if (flags & kString) s += '$';
    if (flags & kList) s += 'l';
    if (flags & kSet) s += 's';
    if (flags & kHash) s += 'h';
    if (flags & kZset) s += 'z';
    if (flags & kExpired) s += 'x';
    if (flags & kEvicted) s += 'e';
    if (flags & kStream) s += 't';
    if (flags & kModule) s += 'd';
    if (flags & kNew) s += 'n';
  }
  if (flags & kKeyspace) s += 'K';
  if (flags & kKeyevent) s += 'E';
  if (flags & kKeyMiss) s += 'm';
  return s;
}

}  // namespace rcs::notify
