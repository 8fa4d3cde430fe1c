"""tap-adobe-vipmp: Adobe VIP Marketplace as a Singer tap."""
