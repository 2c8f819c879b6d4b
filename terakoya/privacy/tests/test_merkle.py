"""RFC 6962 Merkle trees: the reference test vectors, and proofs over many tree sizes."""

from __future__ import annotations

import hashlib

import pytest

from terakoya.privacy.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_proof,
    hash_children,
    hash_leaf,
    inclusion_proof,
    root,
    verify_consistency,
    verify_inclusion,
)

# The eight inputs of the Certificate Transparency reference tests for RFC 6962 and the tree
# heads for sizes 0..8 (facts from the RFC's reference implementation).
INPUTS = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
LEAVES = [hash_leaf(d) for d in INPUTS]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, audit path)
INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
# (first size, second size, consistency proof)
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


def test_leaf_and_node_hashes_use_the_rfc_prefixes():
    assert hash_leaf(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert hash_children(b"L", b"R") == hashlib.sha256(b"\x01LR").digest()
    assert EMPTY_ROOT.hex() == ROOTS[0]


@pytest.mark.parametrize("size", range(9))
def test_the_root_of_each_reference_tree_matches_rfc_6962(size):
    assert root(LEAVES[:size]).hex() == ROOTS[size]


def test_the_frontier_gives_the_same_root_as_the_recursive_definition():
    frontier = Frontier()
    assert frontier.root().hex() == ROOTS[0]
    for size in range(1, 9):
        frontier.append(LEAVES[size - 1])
        assert frontier.root().hex() == ROOTS[size]
        # Restarting from the stored hashes continues the same tree.
        assert Frontier(frontier.size, frontier.hashes).root() == frontier.root()


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_match_the_reference_vectors(index, size, path):
    proof = inclusion_proof(index, LEAVES[:size])
    assert [p.hex() for p in proof] == path
    assert verify_inclusion(index, size, LEAVES[index], proof, bytes.fromhex(ROOTS[size]))
    assert not verify_inclusion(index, size, LEAVES[index], proof, bytes.fromhex(ROOTS[1]))
    assert not verify_inclusion(
        index, size, hash_leaf(b"forged"), proof, bytes.fromhex(ROOTS[size])
    )


@pytest.mark.parametrize(("first", "second", "path"), CONSISTENCY)
def test_consistency_proofs_match_the_reference_vectors(first, second, path):
    proof = consistency_proof(first, LEAVES[:second])
    assert [p.hex() for p in proof] == path
    assert verify_consistency(
        first, second, proof, bytes.fromhex(ROOTS[first]), bytes.fromhex(ROOTS[second])
    )


def test_every_proof_verifies_in_trees_of_every_size_up_to_40_and_a_wrong_leaf_fails():
    leaves = [hash_leaf(i.to_bytes(2, "big")) for i in range(40)]
    roots = [root(leaves[:n]) for n in range(41)]
    for n in range(1, 41):
        for i in range(n):
            proof = inclusion_proof(i, leaves[:n])
            assert verify_inclusion(i, n, leaves[i], proof, roots[n])
            assert not verify_inclusion(i, n, leaves[(i + 1) % 40], proof, roots[n])
        for m in range(1, n + 1):
            proof = consistency_proof(m, leaves[:n])
            assert verify_consistency(m, n, proof, roots[m], roots[n])
            if m < n:
                assert not verify_consistency(m, n, proof, hash_leaf(b"x"), roots[n])


def test_a_consistency_proof_fails_when_history_was_rewritten():
    leaves = [hash_leaf(bytes([i])) for i in range(10)]
    old_root = root(leaves[:6])
    rewritten = list(leaves)
    rewritten[3] = hash_leaf(b"rewritten")
    proof = consistency_proof(6, rewritten)
    assert not verify_consistency(6, 10, proof, old_root, root(rewritten))
