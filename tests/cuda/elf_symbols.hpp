// Reads a cubin as the ELF file it is: its machine and the names in its symbol table.
#pragma once
#include <elf.h>

#include <cstring>
#include <string>
#include <vector>

namespace dgen::test {

#ifndef EM_CUDA
#define EM_CUDA 190
#endif

struct ElfSymbols {
  bool valid = false;  // a 64-bit little-endian ELF file for NVIDIA GPUs (EM_CUDA)
  std::vector<std::string> names;
};

inline ElfSymbols elf_symbols(const std::vector<char>& file) {
  ElfSymbols out;
  Elf64_Ehdr header;
  if (file.size() < sizeof header) return out;
  std::memcpy(&header, file.data(), sizeof header);
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_ident[EI_DATA] != ELFDATA2LSB || header.e_machine != EM_CUDA)
    return out;
  auto section = [&](size_t i, Elf64_Shdr* s) {
    const size_t at = header.e_shoff + i * sizeof(Elf64_Shdr);
    if (i >= header.e_shnum || at + sizeof *s > file.size()) return false;
    std::memcpy(s, file.data() + at, sizeof *s);
    return s->sh_offset + s->sh_size <= file.size();
  };
  for (size_t i = 0; i < header.e_shnum; ++i) {
    Elf64_Shdr symtab, strtab;
    if (!section(i, &symtab)) return out;
    if (symtab.sh_type != SHT_SYMTAB) continue;
    if (!section(symtab.sh_link, &strtab)) return out;
    for (size_t at = symtab.sh_offset; at + sizeof(Elf64_Sym) <= symtab.sh_offset + symtab.sh_size;
         at += sizeof(Elf64_Sym)) {
      Elf64_Sym sym;
      std::memcpy(&sym, file.data() + at, sizeof sym);
      if (sym.st_name < strtab.sh_size)
        out.names.emplace_back(
            file.data() + strtab.sh_offset + sym.st_name,
            strnlen(file.data() + strtab.sh_offset + sym.st_name, strtab.sh_size - sym.st_name));
    }
  }
  out.valid = true;
  return out;
}

}  // namespace dgen::test
